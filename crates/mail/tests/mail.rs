//! The SMTP sender's set-up, without a server: what it refuses before connecting, and that the
//! core's address check (made when the settings are saved) agrees with what `lettre` takes.
//! Mail actually sent to a real SMTP server is tested by `make test-smtp` (tests/smtp).

use rapport_core::Db;
use rapport_core::marketing::mailer::{self, SmtpSecurity, SmtpSettings};

fn settings() -> SmtpSettings {
    SmtpSettings {
        host: "127.0.0.1".into(),
        port: 2525,
        security: SmtpSecurity::None,
        username: String::new(),
        from_address: "ann@crumb.example".into(),
        from_name: "Ann from Crumb".into(),
        reply_to: String::new(),
    }
}

#[test]
fn nothing_is_sent_before_the_server_is_set_up() {
    let db = Db::open_in_memory().unwrap();
    let err = rapport_mail::connect(db.conn()).err().unwrap();
    assert!(err.to_string().contains("sending is not set up"), "{err}");
    // The settings screen says so too, without asking the keyring.
    let status = rapport_mail::status(db.conn()).unwrap();
    assert!(!status.has_password);
    assert_eq!(status.keyring_problem, None);
}

#[test]
fn a_server_without_login_needs_no_password() {
    let mut db = Db::open_in_memory().unwrap();
    mailer::save_settings(&mut db, &settings()).unwrap();
    // Building the sender does not connect: that happens at the first message.
    assert!(rapport_mail::connect(db.conn()).is_ok());
    assert!(rapport_mail::SmtpSender::new(&settings(), None).is_ok());
}

#[test]
fn the_core_takes_the_addresses_lettre_takes() {
    for address in [
        "ann@crumb.example",
        "ann.b+news@crumb.example",
        "o'neil@example.com",
        "ann@[127.0.0.1]",
        "ann@127.0.0.1",
        "zoë@example.com",
        "ann@bäckerei.example",
        "Marta <marta@crumb.example>",
        "marta@crumb.example>",
        "<marta@crumb.example>",
        "two@at@crumb.example",
        "ann@",
        "@crumb.example",
        "ann crumb@example.com",
        "ann@crumb..example",
        "ann@-crumb.example",
        "\"ann b\"@crumb.example",
        "ann",
    ] {
        assert_eq!(
            mailer::is_envelope_address(address),
            address.parse::<lettre::Address>().is_ok(),
            "{address}"
        );
    }
}
