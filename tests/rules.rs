//! Rules the samples do not exercise, each on a minimal file.

use authproxy_manager::config::{apply, Document};
use authproxy_manager::schema::Platform;
use authproxy_manager::validate::{validate, Diagnostic, Options};

use crate::util::{check_text, summary};

const AD: &str = "[ad_client]\nhost=dc1.example.com\nservice_account_username=svc\nservice_account_password=pw\nsearch_dn=DC=example,DC=com\n";
const RADIUS: &str = "[radius_server_auto]\nikey=DIVQJXXVBOTHD0WTFLHB\nskey=muaptt0Azn0DNRUQxA71p2Td8VKqxryo1nIj7BRd\napi_host=api-1.duosecurity.com\nradius_ip_1=10.0.0.1\nradius_secret_1=s1\nclient=ad_client\n";

fn kinds(ds: &[Diagnostic]) -> Vec<&'static str> {
    ds.iter().map(|d| d.kind.name()).collect()
}

fn linux(text: &str) -> Vec<Diagnostic> {
    check_text(text, Platform::Linux)
}

/// Windows semantics, leaving out the plaintext-secret advice every file with secrets gets.
fn windows(text: &str) -> Vec<Diagnostic> {
    check_text(text, Platform::Windows).into_iter().filter(|d| d.kind.name() != "PlaintextSecret").collect()
}

#[test]
fn base_config_is_clean() {
    assert_eq!(summary(&linux(&format!("{AD}\n{RADIUS}"))), Vec::<String>::new());
}

#[test]
fn default_section_keys_reach_every_section() {
    let ds = linux(&format!("[DEFAULT]\nfailmode=safe\n{AD}{RADIUS}"));
    let unexpected: Vec<_> = ds.iter().filter(|d| d.kind.name() == "UnexpectedKey").collect();
    assert_eq!(unexpected.len(), 1, "{ds:?}");
    assert_eq!(unexpected[0].section.as_deref(), Some("ad_client"));
    assert!(unexpected[0].message.contains("inherited from [DEFAULT]"));
}

#[test]
fn main_debug_with_inline_comment_stops_loading() {
    let ds = linux(&format!("[main]\ndebug=true ; verbose\n{AD}{RADIUS}"));
    assert_eq!(kinds(&ds), ["LoadError"]);
    assert!(ds[0].message.contains("debug must be true or false"));
}

#[test]
fn main_interface_counts_for_radius_contention() {
    let second = RADIUS.replace("radius_server_auto]", "radius_server_auto2]").replace("10.0.0.1", "10.0.0.0/30");
    let with_own_interface = second.replace("client=ad_client\n", "client=ad_client\ninterface=10.9.9.9\n");
    assert_eq!(kinds(&linux(&format!("{AD}{RADIUS}{second}"))), ["NetworkContention"]);
    let ds = linux(&format!("[main]\ninterface=10.9.9.8\n{AD}{RADIUS}{with_own_interface}"));
    assert!(ds.is_empty(), "{ds:?}");
}

#[test]
fn radius_secret_rules() {
    let bare = RADIUS.replace("radius_ip_1", "radius_ip");
    let ds = linux(&format!("{AD}{bare}"));
    assert_eq!(
        summary(&ds),
        [
            "radius_server_auto|MissingKey|error|radius_ip_1",
            "radius_server_auto|UnexpectedKey|error|radius_ip",
            "radius_server_auto|UnpairedKey|error|radius_ip_1+radius_secret_1",
        ]
    );
    let both = RADIUS.replace("radius_secret_1=s1\n", "radius_secret_1=s1\nradius_secret_protected_1=AAAA\n");
    let ds = linux(&format!("{AD}{both}"));
    assert!(kinds(&ds).contains(&"IncompatibleKeys") && kinds(&ds).contains(&"ProtectUnavailable"), "{ds:?}");
}

#[test]
fn gapped_and_bare_exempt_usernames_are_ignored_at_runtime() {
    let r = RADIUS.replace(
        "client=ad_client\n",
        "client=ad_client\nexempt_username=a\nexempt_username_1=b\nexempt_username_3=c\n",
    );
    let ds = linux(&format!("{AD}{r}"));
    assert_eq!(kinds(&ds), ["IgnoredKey", "IgnoredKey"]);
    let fixed = apply(&format!("{AD}{r}"), &ds[0].fix.as_ref().unwrap().edits).unwrap();
    assert!(fixed.contains("exempt_username_1=a"));
}

#[test]
fn radius_client_hosts_stop_at_the_first_gap_and_port_needs_host() {
    let text = "[radius_client]\nhost=10.0.0.1\nhost_3=10.0.0.3\nport_2=1645\nsecret=x\n[radius_server_challenge]\nikey=DIVQJXXVBOTHD0WTFLHB\nskey=muaptt0Azn0DNRUQxA71p2Td8VKqxryo1nIj7BRd\napi_host=a\nradius_ip_1=10.1.1.1\nradius_secret_1=y\n";
    let ds = linux(text);
    assert_eq!(summary(&ds), ["radius_client|IgnoredKey|warning|host_3", "radius_client|MissingKey|error|host_2"]);
}

#[test]
fn runtime_only_newer_and_deprecated_keys() {
    let ds = linux(&format!(
        "{}ssl_verify_depth=3\ndomain_discovery=true\n{}",
        AD,
        RADIUS.replace("client=ad_client\n", "client=ad_client\nforce_message_authenticator=true\n")
    ));
    assert_eq!(
        summary(&ds),
        [
            "ad_client|DeprecatedKey|warning|domain_discovery",
            "ad_client|UnexpectedKey|error|ssl_verify_depth",
            "radius_server_auto|UnexpectedKey|warning|force_message_authenticator",
        ]
    );
    assert!(ds.iter().any(|d| d.message.contains("running proxy reads it")));
}

fn for_version(text: &str, version: Option<&str>) -> Vec<Diagnostic> {
    let doc = Document::parse(text);
    let options = Options {
        platform: Some(Platform::Linux),
        proxy_version: version.map(|v| v.parse().unwrap()),
        sso_enrollment: authproxy_manager::validate::SsoEnrollment::Enrolled,
        ..Options::default()
    };
    validate(&doc, &options)
}

#[test]
fn keys_added_after_5_0_follow_the_proxy_version() {
    let with =
        |line: &str| format!("{AD}{}", RADIUS.replace("client=ad_client\n", &format!("client=ad_client\n{line}\n")));
    let fma = with("force_message_authenticator=true");
    // 6.x: accepted without a word.
    assert!(for_version(&fma, Some("6.8.0")).is_empty());
    assert!(for_version(&fma, Some("6.0")).is_empty());
    // 5.x: exactly the 5.0.0 checker, an error that says when the key arrived.
    let ds = for_version(&fma, Some("5.0.0"));
    assert_eq!(summary(&ds), ["radius_server_auto|UnexpectedKey|error|force_message_authenticator"]);
    assert!(
        ds[0].message.contains("added in a 6.x release") && ds[0].message.contains("your 5.0.0 proxy"),
        "{}",
        ds[0].message
    );
    // Unknown: a warning naming both series.
    let ds = for_version(&fma, None);
    assert_eq!(summary(&ds), ["radius_server_auto|UnexpectedKey|warning|force_message_authenticator"]);
    assert!(ds[0].message.contains("accepted by 6.x proxies") && ds[0].message.contains("rejected by 5.x"));
    // Its value is type-checked wherever it is accepted.
    let bad = with("force_message_authenticator=yes please");
    assert_eq!(
        summary(&for_version(&bad, Some("6.8.0"))),
        ["radius_server_auto|InvalidValue|error|force_message_authenticator"]
    );
    assert_eq!(
        summary(&for_version(&bad, None)),
        [
            "radius_server_auto|InvalidValue|error|force_message_authenticator",
            "radius_server_auto|UnexpectedKey|warning|force_message_authenticator"
        ]
    );
    // Only in the sections it belongs to.
    let in_ad = format!("{}force_message_authenticator=true\n{RADIUS}", AD);
    assert_eq!(
        summary(&for_version(&in_ad, Some("6.8.0"))),
        ["ad_client|UnexpectedKey|error|force_message_authenticator"]
    );
}

#[test]
fn on_6_x_a_typo_is_still_an_error_and_a_key_close_to_nothing_is_a_warning() {
    let with =
        |line: &str| format!("{AD}{}", RADIUS.replace("client=ad_client\n", &format!("client=ad_client\n{line}\n")));
    let typo = with("failmod=safe");
    let ds = for_version(&typo, Some("6.8.0"));
    assert_eq!(summary(&ds), ["radius_server_auto|UnexpectedKey|error|failmod"]);
    assert!(ds[0].message.contains("Did you mean failmode?"), "{}", ds[0].message);
    let misplaced = with("search_dn=DC=example,DC=com");
    assert_eq!(summary(&for_version(&misplaced, Some("6.8.0"))), ["radius_server_auto|UnexpectedKey|error|search_dn"]);
    let unheard_of = with("quantum_entanglement_mode=on");
    let ds = for_version(&unheard_of, Some("6.8.0"));
    assert_eq!(summary(&ds), ["radius_server_auto|UnexpectedKey|warning|quantum_entanglement_mode"]);
    assert!(ds[0].message.contains("may accept it"), "{}", ds[0].message);
    // 5.x and unknown: the 5.0.0 checker's error.
    for version in [Some("5.0.0"), None] {
        assert_eq!(
            summary(&for_version(&unheard_of, version)),
            ["radius_server_auto|UnexpectedKey|error|quantum_entanglement_mode"]
        );
    }
}

#[test]
fn concat_mode_is_an_accepted_alias() {
    let ds = linux(&format!("{AD}{}", RADIUS.replace("client=ad_client\n", "client=ad_client\nconcat_mode=false\n")));
    assert!(ds.is_empty(), "{ds:?}");
    let ds = linux(&format!("{AD}{}", RADIUS.replace("client=ad_client\n", "client=ad_client\nconcat_mode=maybe\n")));
    assert_eq!(kinds(&ds), ["InvalidValue"]);
}

#[test]
fn multiple_cloud_sections_and_extra_sso() {
    let cloud = "[cloud]\nikey=DIIFPUW23YDESOK50LLS\nskey=NdV40J599dTCZWZYvRSZeyx4Ag8SsaxTmknuj64A\napi_host=a\n";
    let ds = linux(&format!("{cloud}{}", cloud.replace("[cloud]", "[cloud2]")));
    assert_eq!(summary(&ds), ["cloud2|MultipleCloudSections|error|"]);
    let sso = "[sso]\nrikey=RITFKBH2DEWIO4UJE5SG\n";
    let ds = linux(&format!("{sso}{}", sso.replace("[sso]", "[sso2]")));
    assert_eq!(summary(&ds), ["sso2|IgnoredSection|warning|"]);
}

#[test]
fn ldap_server_rules() {
    let ldap =
        "[ldap_server_auto]\nikey=DIYBV7ZXG02VDHLDSUN7\nskey=6av1Ib8pp1xxXHU0BScJXj675eVq30XYqaNUDqN9\napi_host=a\n";
    assert!(linux(&format!("{AD}{ldap}")).is_empty(), "the single ad_client is chosen automatically");
    let ds = linux(&format!("{AD}{ldap}ssl_port=636\n"));
    assert_eq!(
        summary(&ds),
        ["ldap_server_auto|MissingKey|warning|ssl_cert_path", "ldap_server_auto|MissingKey|warning|ssl_key_path"]
    );
    let ds = linux(&format!("{AD}{ldap}ssl_key_path=/k\n"));
    assert!(summary(&ds).contains(&"ldap_server_auto|MissingKey|error|ssl_cert_path".to_string()), "{ds:?}");
    let ds = linux(&format!("{AD}{ldap}ssl_key_path=/etc/hostname\nssl_cert_path=/etc/hostname\nssl_port=389\n"));
    assert!(kinds(&ds).contains(&"SameSectionPortCollision"), "{ds:?}");
    let ds = linux(&format!("{AD}{ldap}port=8080\n[http_proxy]\napi_host=a\nport=8080\n"));
    assert_eq!(kinds(&ds), ["ListenerPortCollision"]);
    let ds = linux(&format!("[radius_client]\nhost=10.0.0.1\nsecret=s\n{ldap}client=radius_client\n"));
    assert_eq!(summary(&ds), ["cross|InvalidClientServerMapping|error|client"]);
}

#[test]
fn fips_mode_rules() {
    let ds = linux(&format!("[main]\nfips_mode=true\n{AD}[radius_server_eap]\nikey=DIKRA4UZEPZ1QSSK3843\nskey=L0Y6wu1JOSNta0PKhe37ak1aSJARa7717tzNlIrT\napi_host=a\ncerts=/etc/hostname\npkey=/etc/hostname\nradius_ip_1=10.0.0.1\nradius_secret_1=s\nminimum_tls_version=tls1.2\nclient=ad_client\n"));
    assert_eq!(
        summary(&ds),
        [
            "ad_client|FipsIncompatible|error|auth_type+transport+fips_mode",
            "cross|IneffectiveConfig|warning|minimum_tls_version+fips_mode"
        ]
    );
}

#[test]
fn main_rules_and_platform_differences() {
    let ds = linux(&format!("[main]\nhttp_proxy_port=3128\n{AD}{RADIUS}"));
    assert_eq!(summary(&ds), ["main|MissingKey|error|http_proxy_host"]);
    let text = format!("[main]\nlog_syslog=true\nsyslog_facility=LOG_NOPE\n{AD}{RADIUS}");
    assert_eq!(kinds(&linux(&text)), ["RuntimeRejectedValue"]);
    assert_eq!(kinds(&windows(&text)), ["PlatformUnsupported", "RuntimeRejectedValue"]);
}

#[test]
fn non_ascii_matters_only_for_the_windows_proxy() {
    let text = format!("{}{RADIUS}", AD.replace("pw", "pässwörd"));
    assert!(linux(&text).is_empty());
    let ds = windows(&text);
    assert_eq!(kinds(&ds), ["NonAsciiText"]);
    assert_eq!(&text[ds[0].range.start..ds[0].range.end], "ässwö");
}

#[test]
fn client_names_are_matched_in_lower_case_only() {
    let ds = linux(&format!("{}{RADIUS}", AD.replace("[ad_client]", "[AD_client]")));
    let text = &ds.iter().find(|d| d.kind.name() == "InvalidClientServerMapping").unwrap().message;
    assert!(text.contains("rename the section to [ad_client]"), "{text}");
}

#[test]
fn duo_only_listener_needs_no_client_and_warns_about_one() {
    let duo_only = RADIUS.replace("radius_server_auto", "radius_server_duo_only");
    assert_eq!(summary(&linux(&duo_only)), ["cross|IneffectiveConfig|warning|client"]);
    assert!(linux(&duo_only.replace("client=ad_client\n", "")).is_empty());
}

#[test]
fn numbered_duo_only_listeners_need_no_client_like_the_checker() {
    let radius_client = "[radius_client]\nhost=10.0.0.9\nsecret=s\n";
    let duo_only3 = RADIUS.replace("radius_server_auto", "radius_server_duo_only3").replace("client=ad_client\n", "");
    // Two client sections: the proxy resolves no client for it, and a duo-only listener needs none.
    assert!(linux(&format!("{AD}{radius_client}{duo_only3}")).is_empty());
    // The same section under another type does need one.
    let auto3 = duo_only3.replace("radius_server_duo_only3", "radius_server_auto3");
    assert_eq!(
        summary(&linux(&format!("{AD}{radius_client}{auto3}"))),
        ["cross|InvalidClientServerMapping|error|client"]
    );
    // A client it does resolve ([main] client) must still exist, as the checker looks it up.
    let ds = linux(&format!("[main]\nclient=missing_client\n{AD}{radius_client}{duo_only3}"));
    assert_eq!(summary(&ds), ["cross|InvalidClientServerMapping|error|client"]);
    assert!(ds[0].message.contains("[missing_client]"), "{}", ds[0].message);
    // One client section: it is resolved, exists, and nothing is reported.
    assert!(linux(&format!("{AD}{duo_only3}")).is_empty());
}

#[test]
fn an_ldap_listener_with_a_missing_non_ad_client_gets_both_of_the_checkers_findings() {
    let ldap = "[ldap_server_auto]\nikey=DIVQJXXVBOTHD0WTFLHB\nskey=muaptt0Azn0DNRUQxA71p2Td8VKqxryo1nIj7BRd\napi_host=api-1.duosecurity.com\nclient=radius_client\n";
    let ds = linux(&format!("{AD}{ldap}"));
    let mapping: Vec<_> = ds.iter().filter(|d| d.kind.name() == "InvalidClientServerMapping").collect();
    assert_eq!(mapping.len(), 2, "{ds:?}");
    assert!(mapping.iter().any(|d| d.message.contains("no [radius_client] client section")));
    assert!(mapping.iter().any(|d| d.message.contains("must be an [ad_client]")));
}

#[test]
fn ip_hosts_with_tls_and_no_verify_line_are_a_skipped_test_with_advice() {
    let ad = AD.replace("dc1.example.com", "10.0.0.5") + "transport=starttls\nssl_ca_certs_file=/etc/hostname\n";
    let ds = linux(&format!("{ad}{RADIUS}"));
    assert_eq!(summary(&ds), ["ad_client|SkippedTest|warning|host+ssl_verify_hostname"]);
    assert!(ds[0].message.contains("will fail"));
    let ds =
        linux(&format!("{}ssl_verify_hostname=false\n{RADIUS}", ad.replace("ssl_ca_certs_file=/etc/hostname\n", "")));
    assert_eq!(kinds(&ds), ["InsecureTransport"]);
}

#[test]
fn unknown_key_fix_renames_it() {
    let text = format!("{AD}{}", RADIUS.replace("client=", "clinet="));
    let doc = Document::parse(&text);
    let ds = validate(&doc, &Options { platform: Some(Platform::Linux), ..Options::default() });
    let typo = ds.iter().find(|d| d.kind.name() == "UnexpectedKey").unwrap();
    let fixed = apply(&text, &typo.fix.as_ref().unwrap().edits).unwrap();
    assert!(linux(&fixed).is_empty());
}

#[test]
fn an_empty_or_comment_only_file_warns() {
    assert_eq!(kinds(&linux("; nothing here\n")), ["NoSections"]);
    assert_eq!(kinds(&linux("")), ["NoSections"]);
}

#[test]
fn continue_after_load_error_keeps_checking() {
    let text = format!("{AD}{RADIUS}broken line\nfailmod=x\n");
    let doc = Document::parse(&text);
    let strict = validate(&doc, &Options { platform: Some(Platform::Linux), ..Options::default() });
    assert_eq!(kinds(&strict), ["LoadError"]);
    let lenient = validate(
        &doc,
        &Options { platform: Some(Platform::Linux), continue_after_load_error: true, ..Options::default() },
    );
    assert_eq!(kinds(&lenient), ["LoadError", "UnexpectedKey"]);
}

fn lenient(text: &str) -> Vec<Diagnostic> {
    let options = Options { platform: Some(Platform::Linux), continue_after_load_error: true, ..Options::default() };
    validate(&Document::parse(text), &options)
}

#[test]
fn a_repeated_section_is_one_finding_naming_both_headers() {
    let second = "[ad_client]\nhost=dc2.example.com\nservice_account_username=svc2\n";
    let text = format!("{AD}{RADIUS}{second}");
    for ds in [linux(&text), lenient(&text)] {
        assert_eq!(kinds(&ds), ["LoadError"], "{ds:?}");
        assert!(
            ds[0].message.contains("Duplicate section: [ad_client] already appears on line 1"),
            "{}",
            ds[0].message
        );
        assert_eq!(Document::parse(&text).line_col(ds[0].range.start).line, 13);
    }
    // A key repeated inside the second block itself is a mistake of its own.
    let twice = format!("{AD}{RADIUS}{second}host=dc3.example.com\n");
    let ds = linux(&twice);
    assert_eq!(kinds(&ds), ["LoadError", "LoadError"]);
    assert!(ds[1].message.contains("'host' already appears in [ad_client] on line 14"), "{}", ds[1].message);
    // Case-only repeats ([AD_CLIENT]) fold the same way.
    let upper = format!("{AD}{RADIUS}{}", second.replace("[ad_client]", "[AD_CLIENT]"));
    assert_eq!(kinds(&lenient(&upper)), ["LoadError"]);
}

#[test]
fn keys_under_a_header_without_its_bracket_are_not_judged_as_the_section_above() {
    let broken = RADIUS.replace("[radius_server_auto]", "[radius_server_auto").replace("client=ad_client", "host=x");
    let text = format!("{AD}{broken}");
    for ds in [linux(&text), lenient(&text)] {
        assert_eq!(kinds(&ds), ["LoadError"], "{ds:?}");
        assert!(ds[0].message.contains("no closing ']'") && ds[0].message.contains("read as part of [ad_client]"));
    }
    // Once the header is closed, each key is checked where it belongs.
    let fixed = text.replace("[radius_server_auto\n", "[radius_server_auto]\n");
    assert_eq!(summary(&linux(&fixed)), ["radius_server_auto|UnexpectedKey|error|host"]);
}

#[test]
fn invalid_value_fixes_drop_swallowed_comments_and_correct_enum_typos() {
    for (bad, good) in [("failmode=safe   ; allow on outage", "failmode=safe"), ("failmode=secur", "failmode=secure")] {
        let text = format!("{AD}{}", RADIUS.replace("client=ad_client\n", &format!("client=ad_client\n{bad}\n")));
        let ds = linux(&text);
        let invalid = ds.iter().find(|d| d.kind.name() == "InvalidValue").unwrap();
        let fixed = apply(&text, &invalid.fix.as_ref().unwrap().edits).unwrap();
        assert!(fixed.contains(&format!("\n{good}\n")), "{fixed}");
        assert!(linux(&fixed).is_empty());
    }
}

#[test]
fn main_debug_inherited_from_default_is_also_read_while_loading() {
    assert_eq!(kinds(&linux(&format!("[DEFAULT]\ndebug=yes\n[main]\n{AD}"))), ["LoadError"]);
    assert!(linux(&format!("[DEFAULT]\ndebug=1\n[main]\n{AD}")).is_empty());
}
