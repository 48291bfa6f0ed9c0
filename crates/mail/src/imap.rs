//! [`ImapServer`] reads the user's mailbox with `async-imap` (maintained by the Delta Chat
//! team, who run it against every kind of server their users have), on a small tokio runtime
//! of its own, over rustls with the same root certificates as the SMTP sender. It only reads:
//! folders are opened with `EXAMINE` and bodies fetched with `BODY.PEEK`, so not even the
//! "seen" flag changes on the server.
//!
//! Each step of connecting fails with its own words ([`MailboxTest::stage`]): the name not
//! found, the port closed, the secure connection refused, the login refused, a folder missing.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_imap::{Client, Session};
use futures_util::TryStreamExt;
use rapport_core::data::inbox::{
    self, Fetched, FolderInfo, MailServer, MailboxSettings, MailboxTest, RemoteFolder,
};
use rapport_core::marketing::mailer::SmtpSecurity;
use rapport_core::{Connection, Error, Result};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::{self, ClientConfig, RootCertStore, pki_types::ServerName};

use crate::password::IMAP;

/// How long one step (connecting, a command, a fetch) may take before the server is given up.
const STEP: Duration = Duration::from_secs(60);
/// Messages downloaded whole in one command: a few large attachments stay within memory.
const BODIES_AT_ONCE: usize = 20;

trait Io: AsyncRead + AsyncWrite + Unpin + Send + fmt::Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + fmt::Debug> Io for T {}
type Stream = Box<dyn Io>;

/// Where connecting failed, and why, in words.
#[derive(Debug)]
struct Failure {
    stage: &'static str,
    message: String,
}

impl Failure {
    fn new(stage: &'static str, message: impl Into<String>) -> Failure {
        Failure {
            stage,
            message: message.into(),
        }
    }
}

impl From<Failure> for Error {
    fn from(f: Failure) -> Error {
        Error::Mailbox(f.message)
    }
}

/// The user's mailbox, logged in.
pub struct ImapServer {
    runtime: tokio::runtime::Runtime,
    session: Session<Stream>,
    host: String,
}

impl fmt::Debug for ImapServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImapServer")
            .field("host", &self.host)
            .finish()
    }
}

impl ImapServer {
    /// Connects and logs in with the saved settings and the keyring's password.
    pub fn open(conn: &Connection) -> Result<ImapServer> {
        Ok(Self::connect(conn)?)
    }

    fn connect(conn: &Connection) -> std::result::Result<ImapServer, Failure> {
        let s = inbox::settings(conn).map_err(|e| Failure::new("settings", e.to_string()))?;
        if !s.is_set() {
            return Err(Failure::new(
                "settings",
                "the mailbox is not set up: enter your IMAP server in Settings → E-mail (or rapport mail setup)",
            ));
        }
        let password = IMAP
            .password(&s.username, &s.host)
            .map_err(|e| Failure::new("password", e.to_string()))?
            .ok_or_else(|| {
                Failure::new(
                    "password",
                    format!(
                        "no password is stored for {}@{}: enter it in Settings → E-mail (or set {})",
                        s.username, s.host, IMAP.env
                    ),
                )
            })?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| {
                Failure::new(
                    "connect",
                    format!("could not start the network runtime: {e}"),
                )
            })?;
        let session = runtime.block_on(login(&s, &password))?;
        Ok(ImapServer {
            runtime,
            session,
            host: s.host,
        })
    }

    /// Connects, logs in and lists the folders: what the settings screen's "Test" shows.
    pub fn test(conn: &Connection) -> MailboxTest {
        let failed = |f: Failure| MailboxTest {
            ok: false,
            stage: Some(f.stage.to_owned()),
            message: f.message,
            folders: Vec::new(),
            reading: Vec::new(),
        };
        let mut server = match Self::connect(conn) {
            Ok(s) => s,
            Err(f) => return failed(f),
        };
        let on_server = match server.list() {
            Ok(f) => f,
            Err(f) => return failed(f),
        };
        let settings = inbox::settings(conn).unwrap_or_default();
        let reading = inbox::folders_to_read(&settings, &on_server);
        let names: Vec<String> = on_server.iter().map(|f| f.name.clone()).collect();
        let missing: Vec<&String> = reading.iter().filter(|r| !names.contains(r)).collect();
        let mut result = MailboxTest {
            ok: missing.is_empty(),
            stage: None,
            message: format!(
                "Connected to {} and logged in; {} folder(s) will be read: {}.",
                server.host,
                reading.len(),
                reading.join(", ")
            ),
            folders: names.clone(),
            reading: reading.clone(),
        };
        if !missing.is_empty() {
            result.stage = Some("folder".into());
            result.message = format!(
                "Logged in, but the server has no folder named {}. Its folders are: {}.",
                missing
                    .iter()
                    .map(|m| format!("\"{m}\""))
                    .collect::<Vec<_>>()
                    .join(", "),
                names.join(", ")
            );
        }
        server.close();
        result
    }

    /// Logs out (the connection closes either way when the server is dropped).
    pub fn close(mut self) {
        let session = &mut self.session;
        let _ = self.runtime.block_on(async {
            tokio::time::timeout(Duration::from_secs(5), session.logout()).await
        });
    }

    fn list(&mut self) -> std::result::Result<Vec<RemoteFolder>, Failure> {
        let session = &mut self.session;
        let names = self.runtime.block_on(step("server", async {
            session
                .list(Some(""), Some("*"))
                .await?
                .try_collect::<Vec<_>>()
                .await
        }))?;
        drain(&self.session);
        Ok(names
            .iter()
            .map(|n| RemoteFolder {
                name: n.name().to_owned(),
                sent: n
                    .attributes()
                    .iter()
                    .any(|a| matches!(a, async_imap::types::NameAttribute::Sent)),
            })
            .collect())
    }

    fn fetch(&mut self, uids: &[u32], query: &str, header: bool) -> Result<Vec<Fetched>> {
        let mut out = Vec::new();
        for part in uids.chunks(if header { 500 } else { BODIES_AT_ONCE }) {
            let set = uid_set(part);
            let session = &mut self.session;
            let fetched = self.runtime.block_on(step("server", async {
                session
                    .uid_fetch(&set, query)
                    .await?
                    .try_collect::<Vec<_>>()
                    .await
            }))?;
            drain(&self.session);
            for f in fetched {
                let Some(uid) = f.uid else { continue };
                let bytes = if header { f.header() } else { f.body() };
                if let Some(b) = bytes
                    && part.contains(&uid)
                {
                    out.push(Fetched {
                        uid,
                        bytes: b.to_vec(),
                    });
                }
            }
        }
        out.sort_by_key(|m| m.uid);
        Ok(out)
    }
}

impl MailServer for ImapServer {
    fn folders(&mut self) -> Result<Vec<RemoteFolder>> {
        Ok(self.list()?)
    }

    fn examine(&mut self, folder: &str) -> Result<Option<FolderInfo>> {
        let session = &mut self.session;
        let result = self
            .runtime
            .block_on(async { tokio::time::timeout(STEP, session.examine(folder)).await });
        drain(&self.session);
        match result {
            Ok(Ok(m)) => Ok(Some(FolderInfo {
                uidvalidity: m.uid_validity.unwrap_or(0),
                exists: m.exists,
            })),
            Ok(Err(async_imap::error::Error::No(_))) => Ok(None),
            Ok(Err(e)) => Err(Failure::new("server", lost(&e)).into()),
            Err(_) => Err(Failure::new("server", "the server stopped answering").into()),
        }
    }

    fn uids_from(&mut self, first: u32) -> Result<Vec<u32>> {
        let session = &mut self.session;
        let query = format!("UID {first}:*");
        let found = self
            .runtime
            .block_on(step("server", async { session.uid_search(&query).await }))?;
        drain(&self.session);
        // `n:*` always matches the newest message, even when its UID is below n.
        let mut uids: Vec<u32> = found.into_iter().filter(|u| *u >= first).collect();
        uids.sort_unstable();
        Ok(uids)
    }

    fn headers(&mut self, uids: &[u32]) -> Result<Vec<Fetched>> {
        self.fetch(uids, "(UID BODY.PEEK[HEADER])", true)
    }

    fn messages(&mut self, uids: &[u32]) -> Result<Vec<Fetched>> {
        self.fetch(uids, "(UID BODY.PEEK[])", false)
    }
}

/// Answers the server sent unasked (new mail counts): read and dropped, so their queue of
/// 100 never fills and stalls the connection.
fn drain(session: &Session<Stream>) {
    while session.unsolicited_responses.try_recv().is_ok() {}
}

async fn step<T>(
    stage: &'static str,
    f: impl Future<Output = async_imap::error::Result<T>>,
) -> std::result::Result<T, Failure> {
    match tokio::time::timeout(STEP, f).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(Failure::new(stage, lost(&e))),
        Err(_) => Err(Failure::new(
            stage,
            "the server stopped answering (no reply in a minute); the next sync goes on from here",
        )),
    }
}

fn lost(e: &async_imap::error::Error) -> String {
    match e {
        async_imap::error::Error::Io(_) | async_imap::error::Error::ConnectionLost => format!(
            "the connection to the mail server was lost ({e}); the next sync goes on from where this one stopped"
        ),
        other => format!("the mail server answered: {other}"),
    }
}

async fn login(
    s: &MailboxSettings,
    password: &str,
) -> std::result::Result<Session<Stream>, Failure> {
    let address = format!("{}:{}", s.host, s.port);
    let addrs: Vec<_> = match tokio::time::timeout(STEP, tokio::net::lookup_host(&address)).await {
        Ok(Ok(a)) => a.collect(),
        _ => Vec::new(),
    };
    if addrs.is_empty() {
        return Err(Failure::new(
            "dns",
            format!(
                "the server name {} was not found: check its spelling, and that this computer is online",
                s.host
            ),
        ));
    }
    let tcp = match tokio::time::timeout(STEP, TcpStream::connect(&addrs[..])).await {
        Ok(Ok(t)) => t,
        Ok(Err(e)) => {
            return Err(Failure::new(
                "connect",
                format!(
                    "could not connect to {address} ({e}): check the port (993 for TLS, 143 for STARTTLS), and that a firewall lets it through"
                ),
            ));
        }
        Err(_) => {
            return Err(Failure::new(
                "connect",
                format!("{address} did not answer within a minute: check the server name and port"),
            ));
        }
    };
    let tls_failed = |e: &dyn fmt::Display| {
        Failure::new(
            "tls",
            format!(
                "the secure connection to {address} failed ({e}): the server may expect the other security setting (TLS on port 993, STARTTLS on port 143)"
            ),
        )
    };
    let stream: Stream = match s.security {
        SmtpSecurity::None => {
            let mut client = Client::new(Box::new(tcp) as Stream);
            greeting(&mut client, &address).await?;
            return sign_in(client, s, password).await;
        }
        SmtpSecurity::Tls => Box::new(
            tokio::time::timeout(STEP, tls_connector().connect(server_name(&s.host)?, tcp))
                .await
                .map_err(|_| tls_failed(&"no answer within a minute"))?
                .map_err(|e| tls_failed(&e))?,
        ),
        SmtpSecurity::Starttls => {
            let mut client = Client::new(tcp);
            greeting(&mut client, &address).await?;
            step("tls", client.run_command_and_check_ok("STARTTLS", None))
                .await
                .map_err(|f| tls_failed(&f.message))?;
            let tcp = client.into_inner();
            Box::new(
                tokio::time::timeout(STEP, tls_connector().connect(server_name(&s.host)?, tcp))
                    .await
                    .map_err(|_| tls_failed(&"no answer within a minute"))?
                    .map_err(|e| tls_failed(&e))?,
            )
        }
    };
    let mut client = Client::new(stream);
    if s.security == SmtpSecurity::Tls {
        greeting(&mut client, &address).await?;
    }
    sign_in(client, s, password).await
}

async fn greeting<T: AsyncRead + AsyncWrite + Unpin + Send + fmt::Debug>(
    client: &mut Client<T>,
    address: &str,
) -> std::result::Result<(), Failure> {
    match tokio::time::timeout(STEP, client.read_response()).await {
        Ok(Ok(Some(_))) => Ok(()),
        Ok(Ok(None)) => Err(Failure::new(
            "connect",
            format!(
                "{address} closed the connection before greeting: is it an IMAP server, and is the security setting right?"
            ),
        )),
        Ok(Err(e)) => Err(Failure::new(
            "tls",
            format!(
                "{address} did not greet as an IMAP server ({e}): the security setting may be wrong (TLS on port 993, STARTTLS on port 143)"
            ),
        )),
        Err(_) => Err(Failure::new(
            "connect",
            format!(
                "{address} sent no greeting within a minute: the port may expect TLS, or not be an IMAP server"
            ),
        )),
    }
}

async fn sign_in(
    client: Client<Stream>,
    s: &MailboxSettings,
    password: &str,
) -> std::result::Result<Session<Stream>, Failure> {
    match tokio::time::timeout(STEP, client.login(&s.username, password)).await {
        Ok(Ok(session)) => Ok(session),
        Ok(Err((async_imap::error::Error::No(why), _))) => Err(Failure::new(
            "login",
            format!(
                "the server refused the login for {} ({}): check the user name and password; Gmail and Microsoft 365 need an app password, not your usual one",
                s.username,
                server_words(&why)
            ),
        )),
        Ok(Err((e, _))) => Err(Failure::new("login", lost(&e))),
        Err(_) => Err(Failure::new(
            "login",
            "the server did not answer the login within a minute",
        )),
    }
}

/// The words of a server's refusal (`async-imap` hands them over as the parsed response).
fn server_words(why: &str) -> String {
    match why.split_once("info: Some(\"") {
        Some((_, rest)) => rest.split("\")").next().unwrap_or(rest).trim().to_owned(),
        None => why.trim().to_owned(),
    }
}

fn server_name(host: &str) -> std::result::Result<ServerName<'static>, Failure> {
    ServerName::try_from(host.to_owned()).map_err(|e| {
        Failure::new(
            "tls",
            format!("{host} cannot be checked by a certificate: {e}"),
        )
    })
}

fn tls_connector() -> TlsConnector {
    let roots = RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map(|b| b.with_root_certificates(roots).with_no_client_auth())
        .unwrap_or_else(|_| {
            // The ring provider supports the default versions; this is not reached.
            ClientConfig::builder()
                .with_root_certificates(RootCertStore::empty())
                .with_no_client_auth()
        });
    TlsConnector::from(Arc::new(config))
}

/// `1,2,3,7,9,10` → `1:3,7,9:10`.
fn uid_set(uids: &[u32]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < uids.len() {
        let start = uids[i];
        let mut end = start;
        while i + 1 < uids.len() && uids[i + 1] == end + 1 {
            i += 1;
            end = uids[i];
        }
        if !out.is_empty() {
            out.push(',');
        }
        if start == end {
            out.push_str(&start.to_string());
        } else {
            out.push_str(&format!("{start}:{end}"));
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn uid_sets_are_written_as_ranges() {
        assert_eq!(super::uid_set(&[1, 2, 3, 7, 9, 10]), "1:3,7,9:10");
        assert_eq!(super::uid_set(&[5]), "5");
        assert_eq!(super::uid_set(&[]), "");
    }
}
