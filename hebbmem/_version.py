"""hebbmem's version, in one place (read by setup.cfg, the package and the file format)."""

__version__ = "0.1.0"
