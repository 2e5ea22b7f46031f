"""Presidio would download a spaCy model and tldextract would fetch the public suffix list: with
the network closed, redaction must neither try nor hang."""

import subprocess
import sys
import textwrap


def test_redaction_makes_no_network_connection():
    script = textwrap.dedent(
        """
        import socket
        attempts = []
        def refuse(self, address, *a, **k):
            attempts.append(address)
            raise OSError("network is closed in this test")
        socket.socket.connect = refuse
        socket.create_connection = lambda address, *a, **k: refuse(None, address)
        socket.getaddrinfo = lambda host, *a, **k: refuse(None, host)  # name lookups come first
        from redaction.engine import get_analyzer
        results = get_analyzer().analyze("write to john.smith@example.com or call 415-555-0132", language="en")
        assert {r.entity_type for r in results} >= {"EMAIL_ADDRESS", "PHONE_NUMBER"}, results
        assert attempts == [], attempts
        print("offline ok")
        """
    )
    env_clean = {"PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env_clean)
    assert out.returncode == 0 and "offline ok" in out.stdout, out.stderr[-2000:]
