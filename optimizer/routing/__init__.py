"""Waste-collection vehicle routing."""
