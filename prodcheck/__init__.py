"""prodcheck: prove that a SaaS app's database agrees with its billing provider."""

__version__ = "1.0.0"
