// Placeholder so the package builds; replaced by this target's first real test.
