"""Sources: each side of the comparison, live or from fixtures.

Registries are plain dicts of module paths, imported lazily so that fixture
mode and `--version` never pay for a vendor SDK.
"""
