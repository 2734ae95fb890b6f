"""normkit: municipal physician staffing norms as explainable code."""
__version__ = "0.1.0"
