#!/usr/bin/env python3
"""A small SAML 2.0 identity provider for Amphi's tests, built on pysaml2's `saml2.server.Server`.

Started by `crates/amphi-peers/src/saml_idp.rs` on 127.0.0.1 with a free port. It signs with the
key and certificate in DIR (idp.key / idp.crt), knows one service provider from the metadata file
DIR/sp.xml and answers:

  GET  /metadata                 the IdP's metadata
  GET  /sso/redirect             an AuthnRequest (HTTP-Redirect binding): a login form
  POST /login                    the login form: an auto-posting form with the signed SAMLResponse
  GET  /slo/redirect             a LogoutRequest from the SP (signature checked against the SP's
                                 metadata): a redirect with a signed LogoutResponse
  GET  /test/response            TEST ONLY: a SAMLResponse (base64, text/plain) for a given case,
                                 deliberately broken for all cases but `valid` (see CASES)
  GET  /test/logout_request      TEST ONLY: the URL of an IdP-initiated, signed LogoutRequest

Fixture users: alice/alicepw and bob/bobpw.
"""

import argparse
import base64
import copy
import datetime
import html
import os
import re
import secrets
import shutil
import sys
import threading
import urllib.parse
from functools import partial
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import saml2.entity
import saml2.sigver
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, class_name
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID
from saml2.samlp import response_from_string
from saml2.server import Server
from saml2.sigver import pre_signature_part, signed_instance_factory
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

# pysaml2 encrypts with triple DES by default; real IdPs (and the SP under test) use AES.
saml2.entity.pre_encryption_part = partial(
    saml2.sigver.pre_encryption_part,
    msg_enc="http://www.w3.org/2001/04/xmlenc#aes128-cbc",
    key_enc="http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p",
)
_encrypt_assertion = saml2.sigver.SecurityContext.encrypt_assertion
saml2.sigver.SecurityContext.encrypt_assertion = lambda self, statement, enc_key, template, key_type="aes-128", node_xpath=None: _encrypt_assertion(  # noqa: E501
    self, statement, enc_key, template, "aes-128", node_xpath
)

USERS = {
    "alice": {
        "password": "alicepw",
        "name_id": "u-alice-0001",
        "identity": {
            "mail": ["alice@example.test"],
            "displayName": ["Alice Martin"],
            "givenName": ["Alice"],
            "groups": ["staff", "teachers"],
        },
    },
    "bob": {
        "password": "bobpw",
        "name_id": "u-bob-0002",
        "identity": {
            "mail": ["bob@example.test"],
            "displayName": ["Bob Durand"],
            "givenName": ["Bob"],
            "groups": ["learners"],
        },
    },
}

CASES = (
    "valid",  # signed response and assertion (encrypted when the IdP encrypts)
    "encrypted_assertion_only",  # unsigned response, signed assertion, encrypted for the SP
    "unsigned",  # nothing signed
    "assertion_only",  # only the assertion signed
    "response_only",  # only the response signed
    "other_key",  # signed by a key the SP does not know
    "expired",  # conditions and subject confirmation ended an hour ago
    "not_yet_valid",  # conditions start in an hour
    "wrong_audience",  # audience is another service provider
    "wrong_destination",  # Response Destination is another URL
    "wrong_recipient",  # SubjectConfirmationData Recipient is another URL
    "wrong_issuer",  # Issuer is another entity
    "status_error",  # a signed Requester error status, no assertion
    "wrapped",  # a forged unsigned assertion beside the validly signed one
    "wrapped_inside",  # the forged assertion wraps the validly signed one
)


def build_server(directory, base, key, cert, encrypt):
    conf = {
        "entityid": base + "/metadata",
        "description": "Amphi test IdP",
        "service": {
            "idp": {
                "name": "Amphi test IdP",
                "endpoints": {
                    "single_sign_on_service": [(base + "/sso/redirect", BINDING_HTTP_REDIRECT)],
                    "single_logout_service": [(base + "/slo/redirect", BINDING_HTTP_REDIRECT)],
                },
                "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                "sign_response": True,
                "sign_assertion": True,
                "encrypt_assertion": encrypt,
                # Makes pysaml2 check the SP's signatures on AuthnRequests and LogoutRequests.
                "want_authn_requests_signed": True,
                "policy": {"default": {"lifetime": {"minutes": 5}, "attribute_restrictions": None}},
                "signing_algorithm": SIG_RSA_SHA256,
                "digest_algorithm": DIGEST_SHA256,
            }
        },
        "key_file": os.path.join(directory, key),
        "cert_file": os.path.join(directory, cert),
        "encryption_keypairs": [
            {"key_file": os.path.join(directory, key), "cert_file": os.path.join(directory, cert)}
        ],
        "metadata": {"local": [os.path.join(directory, "sp.xml")]},
        "xmlsec_binary": shutil.which("xmlsec1"),
        "accepted_time_diff": 60,
        "delete_tmpfiles": True,
    }
    config = IdPConfig()
    config.load(conf)
    return Server(config=config)


class Idp:
    def __init__(self, directory, base, encrypt):
        self.base = base
        self.encrypt = encrypt
        self.server = build_server(directory, base, "idp.key", "idp.crt", encrypt)
        # Same entity id, another key: what an impostor would sign with.
        self.impostor = build_server(directory, base, "other.key", "other.crt", encrypt)
        self.pending = {}
        self.sp_entity_id = next(iter(self.server.metadata.service_providers()))

    # --- helpers ---------------------------------------------------------------------------
    def acs_url(self):
        return self.server.metadata.assertion_consumer_service(self.sp_entity_id, BINDING_HTTP_POST)[0]["location"]

    def sp_slo_url(self):
        return self.server.metadata.single_logout_service(self.sp_entity_id, BINDING_HTTP_REDIRECT, "spsso")[0][
            "location"
        ]

    def name_id(self, user):
        return NameID(format=NAMEID_FORMAT_PERSISTENT, text=USERS[user]["name_id"])

    def authn_response(
        self, user, in_response_to, sign_response=True, sign_assertion=True, encrypt=None, server=None
    ):
        """A response as pysaml2 builds it (a string when signed or encrypted, else an object)."""
        return (server or self.server).create_authn_response(
            copy.deepcopy(USERS[user]["identity"]),
            in_response_to,
            self.acs_url(),
            self.sp_entity_id,
            name_id=self.name_id(user),
            authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"},
            sign_response=sign_response,
            sign_assertion=sign_assertion,
            encrypt_assertion=self.encrypt if encrypt is None else encrypt,
        )

    def sign(self, response, sec, assertion=True, whole=True):
        """Signs a response object: the assertion first, then the response (as an IdP does)."""
        to_sign = []
        if assertion and response.assertion is not None:
            response.assertion.signature = pre_signature_part(
                response.assertion.id, sec.my_cert, 2, sign_alg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256
            )
            to_sign.append((class_name(response.assertion), response.assertion.id))
        if whole:
            response.signature = pre_signature_part(
                response.id, sec.my_cert, 1, sign_alg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256
            )
            to_sign.append((class_name(response), response.id))
        return signed_instance_factory(response, sec, to_sign)

    def broken_response(self, case, user, in_response_to):
        """The XML of a response for a test case (only `valid` is acceptable)."""
        if case == "valid":
            return str(self.authn_response(user, in_response_to))
        if case == "encrypted_assertion_only":
            return str(self.authn_response(user, in_response_to, sign_response=False, encrypt=True))
        if case == "other_key":
            return str(self.authn_response(user, in_response_to, encrypt=False, server=self.impostor))
        if case == "status_error":
            resp = self.server.create_error_response(
                in_response_to,
                self.acs_url(),
                ("urn:oasis:names:tc:SAML:2.0:status:Requester", "the user cancelled"),
                sign=True,
            )
            return str(resp)

        resp = self.authn_response(user, in_response_to, sign_response=False, sign_assertion=False, encrypt=False)
        a = resp.assertion
        scd = a.subject.subject_confirmation[0].subject_confirmation_data
        now = datetime.datetime.now(datetime.timezone.utc)
        fmt = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
        if case == "unsigned":
            return resp.to_string().decode()
        if case == "assertion_only":
            return self.sign(resp, self.server.sec, assertion=True, whole=False)
        if case == "response_only":
            return self.sign(resp, self.server.sec, assertion=False, whole=True)
        if case == "expired":
            past = now - datetime.timedelta(hours=1)
            a.issue_instant = resp.issue_instant = fmt(past - datetime.timedelta(minutes=5))
            a.conditions.not_before = fmt(past - datetime.timedelta(minutes=5))
            a.conditions.not_on_or_after = fmt(past)
            scd.not_on_or_after = fmt(past)
        elif case == "not_yet_valid":
            a.conditions.not_before = fmt(now + datetime.timedelta(hours=1))
        elif case == "wrong_audience":
            a.conditions.audience_restriction[0].audience[0].text = "https://other-sp.example.test/metadata"
        elif case == "wrong_destination":
            resp.destination = "https://other-sp.example.test/acs"
        elif case == "wrong_recipient":
            scd.recipient = "https://other-sp.example.test/acs"
        elif case == "wrong_issuer":
            a.issuer.text = "https://other-idp.example.test/metadata"
            resp.issuer.text = "https://other-idp.example.test/metadata"
        elif case in ("wrapped", "wrapped_inside"):
            return self.wrapped(resp, case)
        else:
            raise ValueError(case)
        return self.sign(resp, self.server.sec)

    def wrapped(self, resp, case):
        """Signature wrapping: the IdP's validly signed assertion (for the real user) stays in the
        document, and a forged, unsigned assertion for `mallory` is put where a naive SP looks."""
        signed = response_from_string(self.sign(resp, self.server.sec, assertion=True, whole=False))
        original = signed.assertion[0] if isinstance(signed.assertion, list) else signed.assertion
        forged = copy.deepcopy(original)
        forged.id = "_forged" + secrets.token_hex(8)
        forged.signature = None
        forged.subject.name_id.text = "u-mallory-6666"
        for statement in forged.attribute_statement:
            for attribute in statement.attribute:
                if attribute.friendly_name == "mail" or attribute.name.endswith("mail"):
                    for value in attribute.attribute_value:
                        value.text = "mallory@example.test"
        xml = signed.to_string().decode()
        original_xml = re.search(r"<(\w+:)?Assertion\b.*</(\w+:)?Assertion>", xml, re.S).group(0)
        forged_xml = forged.to_string().decode()
        forged_xml = re.sub(r"^<\?xml[^>]*>", "", forged_xml).strip()
        if case == "wrapped":
            # Forged assertion first, the signed one after it.
            return xml.replace(original_xml, forged_xml + original_xml)
        # The signed assertion hidden inside the forged one (in its Advice).
        m = re.search(r"</(\w+:)?Assertion>\s*$", forged_xml)
        prefix = m.group(1) or ""
        inner = f"<{prefix}Advice>{original_xml}</{prefix}Advice>"
        # Advice comes after Conditions; put it right before the AuthnStatement.
        forged_xml = re.sub(r"(<(\w+:)?AuthnStatement\b)", inner + r"\1", forged_xml, count=1)
        return xml.replace(original_xml, forged_xml)

    # --- WSGI --------------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
        q = lambda k, d=None: query.get(k, [d])[0]  # noqa: E731
        try:
            if path == "/metadata":
                return self.reply(start_response, "200 OK", self.metadata(), "application/samlmetadata+xml")
            if path == "/sso/redirect":
                return self.sso(start_response, q)
            if path == "/login" and method == "POST":
                return self.login(environ, start_response)
            if path == "/slo/redirect":
                return self.slo(start_response, q)
            if path == "/test/response":
                case = q("case", "valid")
                if case not in CASES:
                    return self.reply(start_response, "400 Bad Request", f"unknown case {case}\n")
                xml = self.broken_response(case, q("user", "alice"), q("in_response_to"))
                return self.reply(start_response, "200 OK", base64.b64encode(xml.encode()).decode())
            if path == "/test/logout_request":
                return self.idp_logout(start_response, q)
            return self.reply(start_response, "404 Not Found", "not found\n")
        except Exception as exc:  # a test peer: say what went wrong
            import traceback

            traceback.print_exc()
            return self.reply(start_response, "500 Internal Server Error", f"{type(exc).__name__}: {exc}\n")

    def reply(self, start_response, status, body, ctype="text/plain; charset=utf-8", headers=()):
        data = body.encode() if isinstance(body, str) else body
        start_response(status, [("Content-Type", ctype), ("Content-Length", str(len(data)))] + list(headers))
        return [data]

    def metadata(self):
        return create_metadata_string(None, config=self.server.config, valid=48, sign=False).decode()

    def sso(self, start_response, q):
        req = self.server.parse_authn_request(
            q("SAMLRequest"), BINDING_HTTP_REDIRECT, relay_state=q("RelayState"), sigalg=q("SigAlg"),
            signature=q("Signature"),
        )
        if req is None:
            return self.reply(start_response, "400 Bad Request", "bad AuthnRequest\n")
        key = secrets.token_urlsafe(16)
        self.pending[key] = (req.message.id, q("RelayState", ""))
        return self.reply(start_response, "200 OK", self.login_form(key, ""), "text/html; charset=utf-8")

    def login_form(self, key, error):
        err = f'<p role="alert">{html.escape(error)}</p>' if error else ""
        return (
            "<!doctype html><html lang=en><head><title>Sign in</title></head><body><main>"
            f"<h1>Test IdP</h1>{err}<form method=post action=/login>"
            f'<input type=hidden name=key value="{html.escape(key)}">'
            "<label>User <input name=username></label>"
            "<label>Password <input type=password name=password></label>"
            "<button>Sign in</button></form></main></body></html>"
        )

    def login(self, environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        form = urllib.parse.parse_qs(environ["wsgi.input"].read(length).decode())
        f = lambda k: form.get(k, [""])[0]  # noqa: E731
        key = f("key")
        if key not in self.pending:
            return self.reply(start_response, "400 Bad Request", "unknown or used login request\n")
        user = f("username")
        if user not in USERS or USERS[user]["password"] != f("password"):
            return self.reply(
                start_response, "401 Unauthorized", self.login_form(key, "Wrong user or password"),
                "text/html; charset=utf-8",
            )
        request_id, relay_state = self.pending.pop(key)
        resp = self.authn_response(user, request_id)
        args = self.server.apply_binding(BINDING_HTTP_POST, str(resp), self.acs_url(), relay_state, response=True)
        body = args["data"]
        return self.reply(start_response, "200 OK", body, "text/html; charset=utf-8")

    def slo(self, start_response, q):
        req = self.server.parse_logout_request(
            q("SAMLRequest"), BINDING_HTTP_REDIRECT, relay_state=q("RelayState"), sigalg=q("SigAlg"),
            signature=q("Signature"),
        )
        if req is None or q("Signature") is None:
            return self.reply(start_response, "400 Bad Request", "bad or unsigned LogoutRequest\n")
        resp = self.server.create_logout_response(req.message, [BINDING_HTTP_REDIRECT], sign=False)
        args = self.server.apply_binding(
            BINDING_HTTP_REDIRECT, str(resp), self.sp_slo_url(), q("RelayState", ""), response=True, sign=True,
        )
        location = dict(args["headers"])["Location"]
        return self.reply(start_response, "302 Found", "", headers=[("Location", location)])

    def idp_logout(self, start_response, q):
        user = q("user", "alice")
        _rid, req = self.server.create_logout_request(
            self.sp_slo_url(), self.sp_entity_id, name_id=self.name_id(user),
            session_indexes=[q("session_index")] if q("session_index") else None, sign=False,
        )
        args = self.server.apply_binding(BINDING_HTTP_REDIRECT, str(req), self.sp_slo_url(), "", sign=True)
        return self.reply(start_response, "200 OK", dict(args["headers"])["Location"])


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002
        if os.environ.get("SAML_IDP_LOG"):
            super().log_message(format, *args)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", required=True, help="folder with idp.key, idp.crt, other.key, other.crt, sp.xml")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--encrypt", action="store_true", help="encrypt assertions for the SP")
    args = parser.parse_args()
    base = f"http://127.0.0.1:{args.port}"
    if shutil.which("xmlsec1") is None:
        sys.exit("xmlsec1 is missing: run scripts/test.sh (apt-get install xmlsec1)")
    app = Idp(args.dir, base, args.encrypt)
    with open(os.path.join(args.dir, "idp-metadata.xml"), "w") as out:
        out.write(app.metadata())
    # The harness keeps our stdin open; when it goes away (even killed), so do we.
    threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
    httpd = make_server("127.0.0.1", args.port, app, WSGIServer, QuietHandler)
    print(f"saml idp listening on {base}", flush=True)
    httpd.serve_forever()


if __name__ == "__main__":
    main()
