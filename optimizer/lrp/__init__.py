"""Location-routing: open depots and route vehicles from them in one decision.

:mod:`optimizer.lrp.instance` holds the problem (the Prodhon/Barreto
benchmark data, or a county reduced to the same shape),
:mod:`optimizer.lrp.check` recomputes a plan's cost and capacities from the
instance alone, :mod:`optimizer.lrp.solve` searches over open-depot sets
with real routing (PyVRP) as the inner evaluation and a route-pool MIP
choosing depots and routes together.
"""
