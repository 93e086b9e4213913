"""The typed document model every writer renders (see model.py), its visitor base and JSON form."""
