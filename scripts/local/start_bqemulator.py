"""Starts bqemulator offline: its DuckDB engine would download the spatial extension at start
and abort without the internet, so that step is skipped (GEOGRAPHY functions are then
unavailable). Arguments are bqemulator's own, e.g.
  python start_bqemulator.py start --rest-host 127.0.0.1 --rest-port 9050 --grpc-host 127.0.0.1 \
      --grpc-port 9060 --ephemeral --project footfall-local
"""
import os
import sys

os.environ.setdefault("BQEMU_ENABLE_FORMAT_EXTENSIONS", "false")  # no download attempts either

from bqemulator.storage.engine import DuckDBEngine

DuckDBEngine._load_spatial = lambda self: None

from bqemulator.cli import main

if __name__ == "__main__":
    sys.exit(main())
