"""A real SMTP server in the test process (aiosmtpd) that keeps what it receives."""

import email
import email.policy
import socket

from aiosmtpd.controller import Controller


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """aiosmtpd's handler: keeps each message; refuses recipients whose address starts
    with "refused" for good (550) and those starting with "later" for now (451)."""

    def __init__(self):
        self.messages = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refused"):
            return "550 5.1.1 Mailbox unavailable"
        if address.startswith("later"):
            return "451 4.2.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        for to in envelope.rcpt_tos:
            self.messages.append((to, message))
        return "250 Message accepted"

    def to(self, address):
        return [message for to, message in self.messages if to == address]

    def clear(self):
        self.messages.clear()


class MailServer:
    def __init__(self):
        self.inbox = Inbox()
        self.port = free_port()
        self.controller = None

    @property
    def running(self):
        return self.controller is not None

    def start(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        self.controller.stop()
        self.controller = None


def text_of(message):
    return message.get_body(("plain",)).get_content()


def html_of(message):
    return message.get_body(("html",)).get_content()


def subject(message):
    return " ".join(str(message["Subject"]).split())
