"""`prodcheck init`: propose a config (propose.py) and write it as commented YAML (render.py)."""
