"""Built-in Aftersales modules (each sub-package has a MANIFEST)."""
