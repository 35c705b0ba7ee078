import Testing

@testable import Imaging

/// The EXIF orientation reader on hand-made TIFF blocks, including malformed ones.
@Suite struct EXIFTests {
    /// "Exif\0\0" + a TIFF block whose IFD0 holds one entry.
    static func app1(littleEndian: Bool, tag: UInt16 = 0x0112, type: UInt16 = 3, value: UInt16) -> [UInt8] {
        func u16(_ v: UInt16) -> [UInt8] {
            littleEndian ? [UInt8(v & 0xFF), UInt8(v >> 8)] : [UInt8(v >> 8), UInt8(v & 0xFF)]
        }
        func u32(_ v: UInt32) -> [UInt8] {
            littleEndian
                ? u16(UInt16(v & 0xFFFF)) + u16(UInt16(v >> 16)) : u16(UInt16(v >> 16)) + u16(UInt16(v & 0xFFFF))
        }
        let order: [UInt8] = littleEndian ? [0x49, 0x49] : [0x4D, 0x4D]
        let entry = u16(tag) + u16(type) + u32(1) + u16(value) + [0, 0]
        return Array("Exif".utf8) + [0, 0] + order + u16(42) + u32(8) + u16(1) + entry + u32(0)
    }

    @Test(arguments: [true, false], 1...8)
    func readsTheOrientationInBothByteOrders(littleEndian: Bool, orientation: Int) {
        let payload = Self.app1(littleEndian: littleEndian, value: UInt16(orientation))
        #expect(EXIF.orientation(inAPP1: payload[...]) == orientation)
    }

    @Test func outOfRangeOrWrongTypeMeansUpright() {
        #expect(EXIF.orientation(inAPP1: Self.app1(littleEndian: true, value: 0)[...]) == 1)
        #expect(EXIF.orientation(inAPP1: Self.app1(littleEndian: true, value: 9)[...]) == 1)
        #expect(EXIF.orientation(inAPP1: Self.app1(littleEndian: true, type: 4, value: 6)[...]) == 1)
        #expect(EXIF.orientation(inAPP1: Self.app1(littleEndian: true, tag: 0x0100, value: 6)[...]) == 1)
    }

    @Test func malformedBlocksAreRejectedWithoutCrashing() {
        let valid = Self.app1(littleEndian: false, value: 6)
        let entryEnd = 6 + 8 + 2 + 12  // "Exif\0\0", TIFF header, entry count, one entry
        for length in 0..<valid.count {
            let result = EXIF.orientation(inAPP1: valid.prefix(length))
            if length >= entryEnd {
                #expect(result == 6, "prefix of \(length) bytes still holds the whole entry")
            } else {
                #expect(result == nil, "prefix of \(length) bytes")
            }
        }
        var badOffset = valid
        badOffset[13] = 0xFF  // IFD0 offset far past the end
        #expect(EXIF.orientation(inAPP1: badOffset[...]) == nil)
        var badMagic = valid
        badMagic[9] = 43
        #expect(EXIF.orientation(inAPP1: badMagic[...]) == nil)
    }

    @Test func firstValidEXIFSegmentWins() throws {
        let jpeg = try JPEGEncoder.encode(SyntheticImage.smooth(width: 6, height: 4), quality: 90)
        let broken = Array("Exif".utf8) + [0, 0, 0x49, 0x49]
        let payloads: [[UInt8]] = [
            broken, Self.app1(littleEndian: true, value: 6), Self.app1(littleEndian: true, value: 3),
        ]
        var segments: [UInt8] = []
        for payload in payloads {
            let length = payload.count + 2
            segments += [0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload
        }
        let bytes = Array(jpeg.prefix(2)) + segments + jpeg.dropFirst(2)
        let info = try ImageDecoder.info(bytes, name: "exif.jpg")
        #expect(info.orientation == 6)
        let image = try ImageDecoder.decode(bytes, name: "exif.jpg")
        #expect(image.width == 4 && image.height == 6)
    }
}
