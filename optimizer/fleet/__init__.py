"""The electrification study of a county's sanitation fleet (``countyopt fleet``).

:mod:`~optimizer.fleet.params` holds the sourced defaults, :mod:`~optimizer.fleet.study`
compares today's fleet with electric scenarios on a day's routes,
:mod:`~optimizer.fleet.charging` plans the depot chargers and
:mod:`~optimizer.fleet.output` writes ``fleet.json``, tables and a chart.
The carbon scenario reads ``fleet.json`` (documented in ``README.md`` here),
never this package.
"""
