import BlindsightCLI
import Foundation

// A thin entry point: everything lives in BlindsightCLI, which tests drive directly.
exit(await BlindsightMain.run(arguments: Array(CommandLine.arguments.dropFirst())))
