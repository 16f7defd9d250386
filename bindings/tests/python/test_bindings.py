"""The generated Python bindings (certbridge_ffi), run for real: a phone's
part of an export and an import against the `certbridge` desktop program on
127.0.0.1, with a certificate store on a temporary folder.

Run by tests/tests/bindings.rs, which sets:
  PYTHONPATH         the folder with certbridge_ffi.py and the cdylib
  CERTBRIDGE_BIN     the desktop program
  CERTBRIDGE_VECTOR  the shared NPKI test vector folder
"""

import json
from datetime import datetime
import os
import queue
import subprocess
import tempfile
import threading
import time
import unittest
from pathlib import Path

import certbridge_ffi as cb

BIN = os.environ["CERTBRIDGE_BIN"]
VECTOR = Path(os.environ["CERTBRIDGE_VECTOR"])
PASSWORD = json.loads((VECTOR / "expected.json").read_text())["password"]
TIMEOUT = 30


def vector_files():
    return cb.CertificateFiles(
        sign_cert=(VECTOR / "signCert.der").read_bytes(),
        sign_key=(VECTOR / "signPri.key").read_bytes(),
        km_cert=None,
        km_key=None,
    )


class FolderStore(cb.CertificateStore):
    """A store on a folder: one sub-folder per certificate, written to a
    temporary folder first and renamed into place."""

    def __init__(self, root, outgoing=()):
        self.root = Path(root)
        self.outgoing = list(outgoing)

    def list(self):
        out = []
        for folder in sorted(self.root.iterdir()):
            if folder.name.startswith("."):
                continue
            out.append(cb.CertificateFiles(
                sign_cert=(folder / "signCert.der").read_bytes(),
                sign_key=(folder / "signPri.key").read_bytes(),
                km_cert=None, km_key=None))
        return out

    def save(self, certificate):
        info = cb.inspect_certificate(certificate)
        target = self.root / info.serial_hex
        if target.exists():
            same = (target / "signCert.der").read_bytes() == certificate.sign_cert
            status = cb.ItemStatus.DUPLICATE if same else cb.ItemStatus.REJECTED
            return cb.SaveResult(status=status, code=None if same else cb.RejectReason.CONFLICT,
                                 reason=None if same else "another certificate is there", replaced=None,
                                 location=str(target))
        tmp = Path(tempfile.mkdtemp(dir=self.root, prefix=".tmp-"))
        (tmp / "signCert.der").write_bytes(certificate.sign_cert)
        (tmp / "signPri.key").write_bytes(certificate.sign_key)
        tmp.rename(target)
        return cb.SaveResult(status=cb.ItemStatus.INSTALLED, code=None, reason=None, location=str(target), replaced=None)

    def load_outgoing(self):
        return self.outgoing

    def remove(self, certificate):
        raise cb.StoreError.Failed("this test store keeps what it sent")


class Listener(cb.SessionListener):
    def __init__(self):
        self.events = queue.Queue()

    def on_event(self, event):
        self.events.put(event)

    def expect(self, kind):
        """Waits for an event of type `kind`, failing on Failed."""
        deadline = time.monotonic() + TIMEOUT
        seen = []
        while True:
            event = self.events.get(timeout=max(0.1, deadline - time.monotonic()))
            seen.append(event)
            if isinstance(event, kind):
                return event
            if isinstance(event, cb.SessionEvent.FAILED):
                raise AssertionError(f"session failed: {event.failure.kind} {event.detail}; saw {seen}")


class Desktop:
    """`certbridge send|receive --json` on 127.0.0.1."""

    def __init__(self, *args):
        self.proc = subprocess.Popen(
            [BIN, *args, "--json", "--listen", "127.0.0.1", "--name", "Test PC"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(json.loads(line))

    def expect(self, name):
        deadline = time.monotonic() + TIMEOUT
        while True:
            event = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            if event["event"] == name:
                return event
            if event["event"] == "error":
                raise AssertionError(f"desktop failed: {event}")

    def type_line(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def finish(self):
        self.proc.stdin.close()
        code = self.proc.wait(timeout=TIMEOUT)
        stderr = self.proc.stderr.read()
        self.proc.stderr.close()
        self.proc.stdout.close()
        return code, stderr

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                pipe.close()
            except (OSError, ValueError):
                pass


class Bindings(unittest.TestCase):
    def finish_with_number(self, desktop, listener, number):
        """Types the phone's number on the desktop; both must end well."""
        desktop.expect("enter_code")
        desktop.type_line(number)
        done = listener.expect(cb.SessionEvent.FINISHED)
        self.assertEqual([i.status for i in done.items], [cb.ItemStatus.INSTALLED])
        code, stderr = desktop.finish()
        self.assertEqual(code, 0, stderr)
        return done

    def assert_one_copy_of_the_vector(self, folder):
        """`folder` holds one certificate folder, with the vector's files."""
        copies = list(folder.iterdir())
        self.assertEqual(len(copies), 1)
        for name in ("signCert.der", "signPri.key"):
            self.assertEqual((copies[0] / name).read_bytes(), (VECTOR / name).read_bytes(), name)

    def test_parse_invite_reads_a_real_code_and_refuses_bad_ones(self):
        desktop = Desktop("send", str(VECTOR), "--allow-expired")
        try:
            shown = desktop.expect("invite")
            invite = cb.parse_invite(shown["text"])
            self.assertEqual(invite.mode, cb.TransferMode.DESKTOP_SENDS)
            # The name travels in the handshake, not in the code.
            self.assertIsNone(invite.desktop_name)
            self.assertTrue(invite.has_lan)
            self.assertFalse(invite.has_relay)
            # The expiry the desktop announces, read back from the code.
            announced = datetime.fromisoformat(shown["expires_at"].replace("Z", "+00:00"))
            self.assertEqual(invite.expires_at, int(announced.timestamp()))
        finally:
            desktop.kill()
        with self.assertRaises(cb.InviteError.Invalid):
            cb.parse_invite("CERTBRIDGE:/0123")
        with self.assertRaises(cb.InviteError.Invalid):
            cb.parse_invite("https://example.com")

    def test_inspect_and_check_password(self):
        info = cb.inspect_certificate(vector_files())
        expected = json.loads((VECTOR / "expected.json").read_text())
        self.assertEqual(info.subject_cn, expected["subject_cn"])
        self.assertEqual(info.serial_hex, expected["serial_hex"])
        self.assertEqual(info.usage_label_ko, expected["usage_ko"])
        self.assertEqual(info.status, cb.CertificateStatus.EXPIRED)
        self.assertEqual(info.key_bits, 2048)
        self.assertTrue(cb.check_password(vector_files(), PASSWORD))
        self.assertFalse(cb.check_password(vector_files(), "틀린 암호"))
        damaged = vector_files()
        damaged.sign_cert = damaged.sign_cert[:100]
        with self.assertRaises(cb.CertificateError.Damaged):
            cb.inspect_certificate(damaged)

    def test_export_pc_to_phone(self):
        with tempfile.TemporaryDirectory() as root:
            store = FolderStore(root)
            desktop = Desktop("send", str(VECTOR), "--allow-expired")
            try:
                text = desktop.expect("invite")["text"]
                listener = Listener()
                session = cb.ScanSession(text, "Python phone", store, listener)
                session.start()
                connected = listener.expect(cb.SessionEvent.CONNECTED)
                self.assertEqual(connected.path, cb.TransferPath.LAN)
                self.assertEqual(connected.peer_name, "Test PC")
                number = listener.expect(cb.SessionEvent.VERIFICATION_NUMBER).number
                self.assertRegex(number, r"^\d{6}$")
                done = self.finish_with_number(desktop, listener, number)
                self.assertFalse(done.sent)
            finally:
                desktop.kill()
            self.assert_one_copy_of_the_vector(Path(root))
            listed = cb.list_certificates(store)
            self.assertEqual([c.info.serial_hex for c in listed], ["459C75"])
            self.assertEqual(listed[0].files.sign_cert, (VECTOR / "signCert.der").read_bytes())
            with self.assertRaises(cb.SessionStateError.AlreadyStarted):
                session.start()

    def test_import_phone_to_pc(self):
        with tempfile.TemporaryDirectory() as tmp:
            install_root = Path(tmp) / "NPKI"
            store = FolderStore(tmp, outgoing=[vector_files()])
            desktop = Desktop("receive", "--install-root", str(install_root))
            try:
                text = desktop.expect("invite")["text"]
                self.assertEqual(cb.parse_invite(text).mode, cb.TransferMode.DESKTOP_RECEIVES)
                listener = Listener()
                session = cb.ScanSession(text, "Python phone", store, listener)
                session.start()
                # Consent first: the number is shown once the user agreed.
                consent = listener.expect(cb.SessionEvent.CONSENT_REQUIRED)
                self.assertEqual(consent.desktop_name, "Test PC")
                self.assertEqual(consent.path, cb.TransferPath.LAN)
                self.assertEqual(len(consent.certificates), 1)
                session.set_consent(True)
                number = listener.expect(cb.SessionEvent.VERIFICATION_NUMBER).number
                done = self.finish_with_number(desktop, listener, number)
                self.assertTrue(done.sent)
            finally:
                desktop.kill()
            self.assert_one_copy_of_the_vector(install_root / "yessign" / "USER")

    def test_declining_sends_nothing(self):
        with tempfile.TemporaryDirectory() as tmp:
            install_root = Path(tmp) / "NPKI"
            desktop = Desktop("receive", "--install-root", str(install_root))
            try:
                text = desktop.expect("invite")["text"]
                listener = Listener()
                session = cb.ScanSession(text, "Python phone", FolderStore(tmp, [vector_files()]), listener)
                session.start()
                listener.expect(cb.SessionEvent.CONSENT_REQUIRED)
                session.set_consent(False)
                failed = listener.expect_failure()
                self.assertEqual(failed.failure.kind, cb.FailureKind.DECLINED)
                code, _ = desktop.finish()
                self.assertNotEqual(code, 0)
            finally:
                desktop.kill()
            self.assertFalse(install_root.exists() and any(install_root.rglob("signCert.der")))


def _expect_failure(self):
    deadline = time.monotonic() + TIMEOUT
    while True:
        event = self.events.get(timeout=max(0.1, deadline - time.monotonic()))
        if isinstance(event, cb.SessionEvent.FAILED):
            return event
        if isinstance(event, cb.SessionEvent.FINISHED):
            raise AssertionError("finished, expected a failure")


Listener.expect_failure = _expect_failure

if __name__ == "__main__":
    unittest.main(verbosity=2)
