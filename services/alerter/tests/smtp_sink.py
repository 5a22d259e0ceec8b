"""A real SMTP server for the alerter's e-mail tests (aiosmtpd, plain SMTP on 127.0.0.1).

Usage: python3 smtp_sink.py PORT OUT_DIR [FAIL_FIRST]

Each accepted message is written to OUT_DIR/NNNN.txt as its envelope recipients, its decoded
subject and its decoded plain-text body. The first FAIL_FIRST messages are answered with a
transient 451 (the sender must retry). Runs until killed.
"""

import email
import email.policy
import os
import sys
import time

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, out_dir, fail_first):
        self.out_dir = out_dir
        self.fail_first = fail_first
        self.seen = 0
        self.accepted = 0

    async def handle_DATA(self, server, session, envelope):
        self.seen += 1
        if self.seen <= self.fail_first:
            return "451 4.3.0 try again later"
        self.accepted += 1
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        text = (
            "RCPT: " + ",".join(envelope.rcpt_tos) + "\n"
            + "FROM: " + str(envelope.mail_from) + "\n"
            + "SUBJECT: " + str(message["Subject"]) + "\n"
            + "CONTENT-TYPE: " + str(message.get_content_type()) + "\n\n"
            + (body.get_content() if body is not None else "")
        )
        path = os.path.join(self.out_dir, "%04d.txt" % self.accepted)
        with open(path + ".tmp", "w", encoding="utf-8") as out:
            out.write(text)
        os.rename(path + ".tmp", path)
        return "250 OK"


def main():
    port = int(sys.argv[1])
    out_dir = sys.argv[2]
    fail_first = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    controller = Controller(Sink(out_dir, fail_first), hostname="127.0.0.1", port=port)
    controller.start()
    print("smtp sink listening on 127.0.0.1:%d" % port, flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
