"""Road networks from OpenStreetMap extracts: profiles, snapping, matrices, leg shapes.

``optimizer.distances.choose_travel`` is the entry point; see README.md here
for the libraries chosen and the measurements behind them.
"""
