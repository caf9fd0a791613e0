"""Writes of the materials app: the one move service, warehouses made with their counties."""
