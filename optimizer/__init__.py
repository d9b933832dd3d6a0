"""countyopt: waste logistics and carbon planning for Chinese county towns."""

from __future__ import annotations

__version__ = "0.1.0"
