// Placeholder so the package builds before this module's issue lands; replaced by its first real file.
