"""Click commands of the countyopt CLI, one module per command."""
