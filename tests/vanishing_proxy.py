"""A TCP relay in front of RabbitMQ or PostgreSQL that can vanish on cue.

A test points a process at the relay (:func:`relay`) and has it cut every connection
the moment a given AMQP frame or SQL statement passes (:meth:`VanishingProxy.cut_on`),
or when the test says so (:meth:`VanishingProxy.kill`): what a broker or database
host that goes away looks like to its clients.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import urllib.parse


class VanishingProxy:
    """A TCP relay to the broker that can vanish: kill() drops every connection and refuses
    new ones, as a broker host that goes away does."""

    def __init__(self, port: int) -> None:
        self.target = ("127.0.0.1", port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = []
        self.relayed = {"to broker": 0, "from broker": 0}
        self.progress = threading.Condition()
        self.trigger: tuple[str, bytes, bool] | None = None
        self.cut = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def cut_on(self, way: str, pattern: bytes, *, after: bool = False) -> None:
        """Vanish the moment ``pattern`` (e.g. an AMQP method frame's class and method
        ids, or a SQL ``COMMIT``) goes ``way``: before relaying it, or just ``after``."""
        self.trigger = (way, pattern, after)

    def wait_for(self, to_broker: int, from_broker: int, timeout: float = 120) -> None:
        """Block until that many bytes went each way (publishing is under way and the
        broker has answered with confirms): a condition, not a guess at timing."""
        with self.progress:
            reached = self.progress.wait_for(
                lambda: (
                    self.relayed["to broker"] >= to_broker
                    and self.relayed["from broker"] >= from_broker
                ),
                timeout,
            )
        assert reached, f"the publisher relayed only {self.relayed} in {timeout} s"

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for a, b, way in ((client, upstream, "to broker"), (upstream, client, "from broker")):
                threading.Thread(target=self._pipe, args=(a, b, way), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket, way: str) -> None:
        tail = b""
        try:
            while data := source.recv(65536):
                trigger = self.trigger
                if trigger is not None and trigger[0] == way and trigger[1] in tail + data:
                    if trigger[2]:
                        sink.sendall(data)
                    self.cut.set()
                    self.kill()
                    return
                tail = data[-64:]
                sink.sendall(data)
                with self.progress:
                    self.relayed[way] += len(data)
                    self.progress.notify_all()
        except OSError:
            pass

    def kill(self) -> None:
        with contextlib.suppress(OSError):  # wakes the blocked accept(); close() alone does not
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()


def relay(url: str, default_port: int) -> tuple[VanishingProxy, str]:
    """A proxy in front of the service ``url`` names, and ``url`` rewritten to go through it."""
    parts = urllib.parse.urlsplit(url)
    proxy = VanishingProxy(parts.port or default_port)
    netloc = parts.netloc.rsplit(":", 1)[0] + f":{proxy.port}"
    return proxy, urllib.parse.urlunsplit(parts._replace(netloc=netloc))
