"""Course content: loading, validation and the pages that show it."""
