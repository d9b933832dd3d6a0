"""County energy and emissions model: OSeMOSYS in PuLP, scenarios, objectives, reports."""
