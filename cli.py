"""Run the countyopt command line from a checkout: ``python cli.py --help``."""

from optimizer.cli import main

if __name__ == "__main__":
    main()
