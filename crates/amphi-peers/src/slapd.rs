//! A real OpenLDAP `slapd` on 127.0.0.1, for the LDAP sign-in tests.
//!
//! [`Slapd::start`] makes a throwaway CA and server certificate (CN 127.0.0.1, SAN 127.0.0.1 and
//! localhost) with `openssl`, writes a `cn=config` LDIF (mdb database, the memberof overlay, TLS),
//! loads it with `slapadd`, starts `slapd` in the foreground on a free plain port (StartTLS
//! available) and a free LDAPS port, then adds the fixture people and groups through the running
//! server with `ldapadd` so the memberof overlay fills `memberOf`. The handle kills slapd and
//! removes its folder when dropped.
//!
//! Directory layout (base `dc=example,dc=test`):
//! - `ou=people`: the [`USERS`] (`inetOrgPerson`, hashed `userPassword`);
//! - `ou=groups`: `groupOfNames` groups `staff` (alice, bob), `teachers` (alice), `students`
//!   (carol, zoe);
//! - `ou=services`: the service account [`SERVICE_DN`], which may read everything but passwords.
//!
//! Anonymous clients may only bind; people may read their own entry.

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The directory suffix.
pub const BASE_DN: &str = "dc=example,dc=test";
/// Where the people are.
pub const PEOPLE_DN: &str = "ou=people,dc=example,dc=test";
/// Where the groups are.
pub const GROUPS_DN: &str = "ou=groups,dc=example,dc=test";
/// The service account that searches on behalf of the application.
pub const SERVICE_DN: &str = "cn=amphi-service,ou=services,dc=example,dc=test";
/// Its password.
pub const SERVICE_PASSWORD: &str = "service-secret-42";
/// The directory's root account (used only to load the fixtures).
const ROOT_DN: &str = "cn=admin,dc=example,dc=test";
const ROOT_PASSWORD: &str = "root-secret-42";

/// A person in the fixture directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixtureUser {
    /// Their `uid` (the sign-in name).
    pub uid: &'static str,
    /// Their password.
    pub password: &'static str,
    /// Their `cn`.
    pub cn: &'static str,
    /// Their `displayName`.
    pub display_name: &'static str,
    /// Their `mail`.
    pub mail: &'static str,
    /// Their `departmentNumber` (alice and bob share one, to test ambiguous filters).
    pub department: &'static str,
    /// The `cn` of the groups they belong to.
    pub groups: &'static [&'static str],
}

impl FixtureUser {
    /// Their entry's DN.
    pub fn dn(&self) -> String {
        format!("uid={},{PEOPLE_DN}", self.uid)
    }
}

/// Alice: groups `staff` and `teachers`.
pub const ALICE: FixtureUser = FixtureUser {
    uid: "alice",
    password: "alice-Passw0rd",
    cn: "Alice Liddell",
    display_name: "Alice",
    mail: "alice@example.test",
    department: "research",
    groups: &["staff", "teachers"],
};
/// Bob: group `staff`.
pub const BOB: FixtureUser = FixtureUser {
    uid: "bob",
    password: "bob-Passw0rd",
    cn: "Bob Builder",
    display_name: "Bob",
    mail: "bob@example.test",
    department: "research",
    groups: &["staff"],
};
/// Carol: group `students`.
pub const CAROL: FixtureUser = FixtureUser {
    uid: "carol",
    password: "carol-Passw0rd",
    cn: "Carol Danvers",
    display_name: "Carol",
    mail: "carol@example.test",
    department: "history",
    groups: &["students"],
};
/// Zoé: a non-ASCII display name; group `students`.
pub const ZOE: FixtureUser = FixtureUser {
    uid: "zoe",
    password: "zoe-Passw0rd",
    cn: "Zoe Durand",
    display_name: "Zoé Durand",
    mail: "zoe@example.test",
    department: "languages",
    groups: &["students"],
};
/// A person whose uid holds LDAP filter metacharacters: signing in as them only works when the
/// client escapes the name (RFC 4515); no groups.
pub const ODD: FixtureUser = FixtureUser {
    uid: "odd*)(name",
    password: "odd-Passw0rd",
    cn: "Odd Name",
    display_name: "Odd",
    mail: "odd@example.test",
    department: "misc",
    groups: &[],
};

/// Everyone in `ou=people`.
pub const USERS: &[FixtureUser] = &[ALICE, BOB, CAROL, ZOE, ODD];

/// The groups, by `cn`.
pub const GROUPS: &[&str] = &["staff", "teachers", "students"];

/// A running slapd. Dropping it kills slapd and removes its folder.
#[derive(Debug)]
pub struct Slapd {
    /// `ldap://127.0.0.1:PORT` (plain; StartTLS available).
    pub ldap_url: String,
    /// `ldaps://127.0.0.1:PORT`.
    pub ldaps_url: String,
    /// `ldaps://localhost:PORT` (the certificate names localhost too).
    pub ldaps_url_localhost: String,
    /// `ldaps://127.0.0.2:PORT`: the same server under an address its certificate does not name.
    pub ldaps_url_wrong_host: String,
    /// The CA that signed the server certificate (PEM).
    pub ca_pem: String,
    /// Another CA, unrelated to the server (PEM), for wrong-CA tests.
    pub other_ca_pem: String,
    /// The directory suffix ([`BASE_DN`]).
    pub base_dn: String,
    /// [`PEOPLE_DN`].
    pub people_dn: String,
    /// [`GROUPS_DN`].
    pub groups_dn: String,
    /// [`SERVICE_DN`].
    pub service_dn: String,
    /// [`SERVICE_PASSWORD`].
    pub service_password: String,
    child: Child,
    dir: tempfile::TempDir,
}

const INSTALL_HINT: &str = "OpenLDAP slapd is not installed: run scripts/test.sh (it installs \
     the Debian packages slapd, ldap-utils and openssl)";

impl Slapd {
    /// Starts a fresh slapd with the fixtures loaded, and waits until it answers.
    pub fn start() -> Result<Slapd, String> {
        for tool in [
            "/usr/sbin/slapd",
            "/usr/sbin/slapadd",
            "/usr/sbin/slappasswd",
        ] {
            if !Path::new(tool).exists() {
                return Err(format!("{tool} not found. {INSTALL_HINT}"));
            }
        }
        for tool in ["ldapadd", "ldapsearch", "openssl"] {
            if which(tool).is_none() {
                return Err(format!("`{tool}` not found. {INSTALL_HINT}"));
            }
        }
        // The ports are picked free, then released and handed to slapd: another process may
        // take one in between, so try a few times.
        let mut last = String::new();
        for _ in 0..3 {
            match Self::try_start() {
                Ok(s) => return Ok(s),
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    fn try_start() -> Result<Slapd, String> {
        let dir = tempfile::Builder::new()
            .prefix("amphi-slapd-")
            .tempdir()
            .map_err(|e| format!("cannot create a temporary folder: {e}"))?;
        let d = dir.path().to_path_buf();
        make_certificates(&d)?;
        let ca_pem = read(&d.join("ca.pem"))?;
        let other_ca_pem = read(&d.join("other-ca.pem"))?;

        let root_hash = slappasswd(ROOT_PASSWORD)?;
        write(&d.join("config.ldif"), &config_ldif(&d, &root_hash))?;
        write(&d.join("base.ldif"), &base_ldif())?;
        write(&d.join("data.ldif"), &data_ldif()?)?;
        std::fs::create_dir_all(d.join("db"))
            .and_then(|_| std::fs::create_dir_all(d.join("slapd.d")))
            .map_err(|e| format!("cannot create slapd folders: {e}"))?;
        let slapd_d = d.join("slapd.d");
        run(
            Command::new("/usr/sbin/slapadd")
                .arg("-n0")
                .arg("-F")
                .arg(&slapd_d)
                .arg("-l")
                .arg(d.join("config.ldif")),
            "slapadd (cn=config)",
        )?;
        run(
            Command::new("/usr/sbin/slapadd")
                .arg("-n1")
                .arg("-F")
                .arg(&slapd_d)
                .arg("-l")
                .arg(d.join("base.ldif")),
            "slapadd (base entry)",
        )?;

        let port = free_port()?;
        let tls_port = free_port()?;
        let ldap_url = format!("ldap://127.0.0.1:{port}");
        let ldaps_url = format!("ldaps://127.0.0.1:{tls_port}");
        let wrong_host = format!("ldaps://127.0.0.2:{tls_port}");
        let log = std::fs::File::create(d.join("slapd.log"))
            .map_err(|e| format!("cannot create slapd.log: {e}"))?;
        let log2 = log
            .try_clone()
            .map_err(|e| format!("cannot open slapd.log: {e}"))?;
        // `-d 0` keeps slapd in the foreground, so the child is slapd itself.
        let child = Command::new("/usr/sbin/slapd")
            .arg("-d")
            .arg("0")
            .arg("-h")
            .arg(format!("{ldap_url}/ {ldaps_url}/ {wrong_host}/"))
            .arg("-F")
            .arg(&slapd_d)
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log2)
            .spawn()
            .map_err(|e| format!("cannot start slapd: {e}. {INSTALL_HINT}"))?;
        let mut slapd = Slapd {
            ldap_url,
            ldaps_url,
            ldaps_url_localhost: format!("ldaps://localhost:{tls_port}"),
            ldaps_url_wrong_host: wrong_host,
            ca_pem,
            other_ca_pem,
            base_dn: BASE_DN.to_owned(),
            people_dn: PEOPLE_DN.to_owned(),
            groups_dn: GROUPS_DN.to_owned(),
            service_dn: SERVICE_DN.to_owned(),
            service_password: SERVICE_PASSWORD.to_owned(),
            child,
            dir,
        };
        slapd.wait_listening(&[port, tls_port])?;
        run(
            Command::new("ldapadd")
                .args([
                    "-x",
                    "-H",
                    &slapd.ldap_url,
                    "-D",
                    ROOT_DN,
                    "-w",
                    ROOT_PASSWORD,
                ])
                .arg("-f")
                .arg(d.join("data.ldif")),
            "ldapadd (fixtures)",
        )
        .map_err(|e| format!("{e}\nslapd log:\n{}", slapd.log()))?;
        // The service account can search: the fixtures are visible to it.
        let found = slapd.search(
            &format!("(uid={})", ALICE.uid),
            &["dn"],
            PEOPLE_DN,
            (SERVICE_DN, SERVICE_PASSWORD),
        )?;
        if !found.contains(&ALICE.dn()) {
            return Err(format!(
                "slapd started but the service account cannot see alice:\n{found}\nslapd log:\n{}",
                slapd.log()
            ));
        }
        Ok(slapd)
    }

    /// The fixture user with this uid.
    pub fn user(uid: &str) -> Option<&'static FixtureUser> {
        USERS.iter().find(|u| u.uid == uid)
    }

    /// The DN of a fixture group.
    pub fn group_dn(&self, cn: &str) -> String {
        format!("cn={cn},{GROUPS_DN}")
    }

    /// The `entryUUID` slapd gave a fixture user's entry (read with `ldapsearch`).
    pub fn entry_uuid(&self, user: &FixtureUser) -> Result<String, String> {
        let out = self.search(
            &format!("(entryDN={})", user.dn()),
            &["entryUUID"],
            PEOPLE_DN,
            (SERVICE_DN, SERVICE_PASSWORD),
        )?;
        out.lines()
            .find_map(|l| l.strip_prefix("entryUUID: "))
            .map(|s| s.trim().to_owned())
            .ok_or_else(|| format!("no entryUUID for {}:\n{out}", user.dn()))
    }

    /// slapd's own log so far (for failure messages).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("slapd.log")).unwrap_or_default()
    }

    /// Runs `ldapsearch` over the plain port with the given bind, returning its LDIF output.
    fn search(
        &self,
        filter: &str,
        attrs: &[&str],
        base: &str,
        (dn, password): (&str, &str),
    ) -> Result<String, String> {
        let out = Command::new("ldapsearch")
            .args(["-x", "-LLL", "-o", "ldif-wrap=no", "-H", &self.ldap_url])
            .args(["-D", dn, "-w", password, "-b", base, filter])
            .args(attrs)
            .output()
            .map_err(|e| format!("cannot run ldapsearch: {e}. {INSTALL_HINT}"))?;
        if !out.status.success() {
            return Err(format!(
                "ldapsearch {filter} failed ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    fn wait_listening(&mut self, ports: &[u16]) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "slapd exited during start-up ({status}); its log:\n{}",
                    self.log()
                ));
            }
            let all = ports.iter().all(|p| {
                TcpStream::connect_timeout(
                    &SocketAddr::from((Ipv4Addr::LOCALHOST, *p)),
                    Duration::from_millis(200),
                )
                .is_ok()
            });
            if all {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "slapd did not listen on ports {ports:?} within 15 s; its log:\n{}",
                    self.log()
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Slapd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // The TempDir removes the folder when it drops, right after this.
    }
}

fn which(tool: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|p| p.join(tool))
        .find(|p| p.is_file())
}

fn read(p: &Path) -> Result<String, String> {
    std::fs::read_to_string(p).map_err(|e| format!("cannot read {}: {e}", p.display()))
}

fn write(p: &Path, s: &str) -> Result<(), String> {
    std::fs::File::create(p)
        .and_then(|mut f| f.write_all(s.as_bytes()))
        .map_err(|e| format!("cannot write {}: {e}", p.display()))
}

fn run(cmd: &mut Command, what: &str) -> Result<String, String> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {what}: {e}. {INSTALL_HINT}"))?;
    if !out.status.success() {
        return Err(format!(
            "{what} failed ({}): {}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn slappasswd(secret: &str) -> Result<String, String> {
    let out = run(
        Command::new("/usr/sbin/slappasswd").args(["-s", secret]),
        "slappasswd",
    )?;
    Ok(out.trim().to_owned())
}

/// A port free on 127.0.0.1 and on 127.0.0.2 at the time of asking.
fn free_port() -> Result<u16, String> {
    for _ in 0..20 {
        let l = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .map_err(|e| format!("cannot bind a loopback port: {e}"))?;
        let port = l
            .local_addr()
            .map_err(|e| format!("cannot read a bound port: {e}"))?
            .port();
        if TcpListener::bind((Ipv4Addr::new(127, 0, 0, 2), port)).is_ok() {
            return Ok(port);
        }
    }
    Err("no loopback port is free on both 127.0.0.1 and 127.0.0.2".to_owned())
}

/// Two throwaway CAs (the server's and a stranger) and a server certificate signed by the first.
fn make_certificates(d: &Path) -> Result<(), String> {
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    for (name, cn) in [("ca", "Amphi test CA"), ("other-ca", "Unrelated test CA")] {
        run(
            Command::new("openssl")
                .args(["req", "-x509", "-new"])
                .args(ec)
                .arg("-keyout")
                .arg(d.join(format!("{name}.key")))
                .arg("-out")
                .arg(d.join(format!("{name}.pem")))
                .args(["-days", "2", "-subj", &format!("/CN={cn}")])
                .args(["-addext", "basicConstraints=critical,CA:TRUE"])
                .args(["-addext", "keyUsage=critical,keyCertSign,cRLSign"]),
            "openssl (CA)",
        )?;
    }
    run(
        Command::new("openssl")
            .args(["req", "-new"])
            .args(ec)
            .arg("-keyout")
            .arg(d.join("server.key"))
            .arg("-out")
            .arg(d.join("server.csr"))
            .args(["-subj", "/CN=127.0.0.1"]),
        "openssl (server key)",
    )?;
    write(
        &d.join("server.ext"),
        "basicConstraints=critical,CA:FALSE\n\
         keyUsage=critical,digitalSignature,keyEncipherment\n\
         extendedKeyUsage=serverAuth\n\
         subjectAltName=IP:127.0.0.1,DNS:localhost\n",
    )?;
    run(
        Command::new("openssl")
            .args(["x509", "-req", "-in"])
            .arg(d.join("server.csr"))
            .arg("-CA")
            .arg(d.join("ca.pem"))
            .arg("-CAkey")
            .arg(d.join("ca.key"))
            .args(["-set_serial", "1000", "-days", "2", "-extfile"])
            .arg(d.join("server.ext"))
            .arg("-out")
            .arg(d.join("server.pem")),
        "openssl (server certificate)",
    )?;
    Ok(())
}

fn config_ldif(d: &Path, root_hash: &str) -> String {
    let d = d.display();
    format!(
        "dn: cn=config
objectClass: olcGlobal
cn: config
olcPidFile: {d}/slapd.pid
olcArgsFile: {d}/slapd.args
olcTLSCACertificateFile: {d}/ca.pem
olcTLSCertificateFile: {d}/server.pem
olcTLSCertificateKeyFile: {d}/server.key

dn: cn=module{{0}},cn=config
objectClass: olcModuleList
cn: module{{0}}
olcModulePath: /usr/lib/ldap
olcModuleLoad: back_mdb
olcModuleLoad: memberof

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

include: file:///etc/ldap/schema/core.ldif

include: file:///etc/ldap/schema/cosine.ldif

include: file:///etc/ldap/schema/nis.ldif

include: file:///etc/ldap/schema/inetorgperson.ldif

dn: olcDatabase={{-1}}frontend,cn=config
objectClass: olcDatabaseConfig
objectClass: olcFrontendConfig
olcDatabase: {{-1}}frontend

dn: olcDatabase={{0}}config,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {{0}}config
olcAccess: {{0}}to * by * none

dn: olcDatabase={{1}}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {{1}}mdb
olcSuffix: {BASE_DN}
olcRootDN: {ROOT_DN}
olcRootPW: {root_hash}
olcDbDirectory: {d}/db
olcDbMaxSize: 16777216
olcAccess: {{0}}to attrs=userPassword by self write by anonymous auth by * none
olcAccess: {{1}}to * by dn.exact=\"{SERVICE_DN}\" read by self read by * none

dn: olcOverlay={{0}}memberof,olcDatabase={{1}}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcMemberOf
olcOverlay: {{0}}memberof
olcMemberOfRefInt: TRUE
"
    )
}

fn base_ldif() -> String {
    format!(
        "dn: {BASE_DN}
objectClass: dcObject
objectClass: organization
dc: example
o: Example
"
    )
}

/// People and groups, added through the running server so the memberof overlay sees them.
fn data_ldif() -> Result<String, String> {
    let mut s = String::new();
    for ou in ["people", "groups", "services"] {
        s.push_str(&format!(
            "dn: ou={ou},{BASE_DN}\nobjectClass: organizationalUnit\nou: {ou}\n\n"
        ));
    }
    s.push_str(&format!(
        "dn: {SERVICE_DN}\nobjectClass: applicationProcess\nobjectClass: simpleSecurityObject\n\
         cn: amphi-service\nuserPassword: {}\n\n",
        slappasswd(SERVICE_PASSWORD)?
    ));
    for u in USERS {
        let sn = u.cn.rsplit(' ').next().unwrap_or(u.cn);
        s.push_str(&format!(
            "dn: {}\nobjectClass: inetOrgPerson\nuid: {}\ncn: {}\nsn: {sn}\n{}\nmail: {}\n\
             departmentNumber: {}\nuserPassword: {}\n\n",
            u.dn(),
            u.uid,
            u.cn,
            ldif_value("displayName", u.display_name),
            u.mail,
            u.department,
            slappasswd(u.password)?
        ));
    }
    for g in GROUPS {
        s.push_str(&format!(
            "dn: cn={g},{GROUPS_DN}\nobjectClass: groupOfNames\ncn: {g}\n"
        ));
        for u in USERS.iter().filter(|u| u.groups.contains(g)) {
            s.push_str(&format!("member: {}\n", u.dn()));
        }
        s.push('\n');
    }
    Ok(s)
}

/// One LDIF line; values that are not plain ASCII are base64-encoded (RFC 2849).
fn ldif_value(attr: &str, value: &str) -> String {
    if value.is_ascii() {
        format!("{attr}: {value}")
    } else {
        format!("{attr}:: {}", base64(value.as_bytes()))
    }
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_examples() {
        assert_eq!(base64(b"Zo\xc3\xa9 Durand"), "Wm/DqSBEdXJhbmQ=");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"f"), "Zg==");
    }

    #[test]
    fn starts_and_answers() {
        let slapd = match Slapd::start() {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        };
        let dir = slapd.dir.path().to_path_buf();
        let uuid = slapd.entry_uuid(&ALICE).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(uuid.len(), 36, "{uuid}");
        let out = slapd
            .search(
                &format!("(uid={})", ALICE.uid),
                &["memberOf"],
                PEOPLE_DN,
                (SERVICE_DN, SERVICE_PASSWORD),
            )
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            out.contains("memberOf: cn=staff,ou=groups,dc=example,dc=test"),
            "{out}"
        );
        // A person can bind with their password.
        let who = Command::new("ldapwhoami")
            .args([
                "-x",
                "-H",
                &slapd.ldap_url,
                "-D",
                &BOB.dn(),
                "-w",
                BOB.password,
            ])
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(who.status.success());
        let port = slapd.ldap_url.rsplit(':').next().map(str::to_owned);
        drop(slapd);
        assert!(!dir.exists(), "the folder is removed");
        let port: u16 = port.and_then(|p| p.parse().ok()).unwrap_or(0);
        assert!(
            TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err(),
            "slapd is stopped"
        );
    }
}
