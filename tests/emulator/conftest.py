"""An in-process emulator (patched moto behind the request log) on a free port."""

import threading

import boto3
import pytest

from emulator.server import make_emulator


@pytest.fixture(scope="session")
def emulator_url():
    server = make_emulator("127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture
def aws(emulator_url):
    """aws(service, region='ap-northeast-1') -> a boto3 client on the emulator."""

    def client(service, region="ap-northeast-1"):
        return boto3.client(
            service,
            endpoint_url=emulator_url,
            region_name=region,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    return client
