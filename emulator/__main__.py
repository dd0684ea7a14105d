"""Start the emulator: ``python -m emulator [--port N] [--port-file PATH]``.

Binds loopback only. ``--port 0`` (or ``EMULATOR_PORT=0``) picks a free port;
``--port-file`` receives the chosen port once the server accepts requests.
"""

import argparse
import contextlib
import os
import signal
import sys

from emulator.server import make_emulator


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (loopback by default)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("EMULATOR_PORT", "5000")))
    parser.add_argument("--port-file", help="write the bound port here once ready")
    args = parser.parse_args(argv)

    server = make_emulator(args.host, args.port)
    port = server.server_address[1]
    if args.port_file:
        tmp = f"{args.port_file}.tmp"
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(str(port))
        os.replace(tmp, args.port_file)
    print(f"kumo emulator listening on http://{args.host}:{port}", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
