"""Location-routing: open depots and route vehicles from them in one decision.

:mod:`optimizer.lrp.instance` holds the problem (the Prodhon/Barreto
benchmark data), :mod:`optimizer.lrp.check` recomputes a plan's cost and
capacities from the instance alone, :mod:`optimizer.lrp.solve` screens
depot sets by an estimated cost (:mod:`optimizer.lrp.estimate`) and routes
the promising ones for real (PyVRP, :mod:`optimizer.lrp.routing`), with
depot capacities kept by cluster-first starts, a repair
(:mod:`optimizer.lrp.repair`) and a route-pool MIP (:mod:`optimizer.lrp.pool`).
:mod:`optimizer.lrp.county` searches a county's station sets the same way,
with the siting MIP as the estimate and the county routing as the inner
evaluation (``countyopt plan --joint``).
"""
