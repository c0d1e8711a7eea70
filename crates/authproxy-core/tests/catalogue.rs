//! One test per catalogue entry: a message as the proxy writes it is explained by that entry, and
//! the config lines it names are found. A last test checks that no entry is left without one.

use authproxy_core::config::Document;
use authproxy_core::logfile::catalogue::{config_lines, explain, SIGNATURES};

const CONFIG: &str = "\
[main]
debug=true

[ad_client]
host=10.0.0.200
host_2=10.0.0.201
service_account_username=svc-duo
service_account_password=hunter2
search_dn=DC=example,DC=com
security_group_dn=CN=VPN,DC=example,DC=com

[radius_server_auto]
ikey=DIXXXXXXXXXXXXXXXXXX
skey_protected=AQAAANCMnd8BFdERjHoAwE/Cl+s=
api_host=api-xxxxxxxx.duosecurity.com
radius_ip_1=10.0.0.1
radius_secret_1=s3cret
radius_ip_2=10.0.0.2
radius_secret_2=s3cret2
client=ad_client
failmode=safe
";

/// The keys (`section.key`, or `section` for its header) a message's explanation points at.
fn pointed(message: &str) -> (String, Vec<String>) {
    let signature = explain(message.as_bytes()).unwrap_or_else(|| panic!("no entry explains {message:?}"));
    let doc = Document::parse(CONFIG);
    let lines = config_lines(signature.config, &doc, Some("radius_server_auto"));
    let keys = lines
        .iter()
        .map(|l| match &l.key {
            Some(k) => format!("{}.{k}", l.section),
            None => l.section.clone(),
        })
        .collect();
    (signature.id.to_owned(), keys)
}

macro_rules! cases {
    ($($test:ident: $id:literal <= $message:literal => [$($key:literal),*];)*) => {
        $(
            #[test]
            fn $test() {
                let (id, keys) = pointed($message);
                assert_eq!(id, $id, "{}", $message);
                let expected: Vec<&str> = vec![$($key),*];
                for key in &expected {
                    assert!(keys.iter().any(|k| k == key), "{} should point at {key}, points at {keys:?}", $id);
                }
                if expected.is_empty() {
                    assert!(keys.is_empty(), "{} should point at nothing, points at {keys:?}", $id);
                }
            }
        )*
        const TESTED: &[&str] = &[$($id),*];
    };
}

cases! {
    service_account_52e: "ad-52e-service-account" <= "Initial LDAP bind to AD failed: 'invalidCredentials: 80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 52e, v4563\\x00'" => ["ad_client.service_account_password", "ad_client.service_account_username"];
    service_account_bind: "ad-service-account-bind" <= "Initial LDAP bind to AD failed: 'unavailable'" => ["ad_client.service_account_username"];
    strong_auth: "ad-strong-auth-required" <= "Initial LDAP bind to AD failed: strongAuthRequired. To correct this you must enable SSL" => ["ad_client"];
    user_52e: "ad-52e" <= "LDAP Authentication Failed: 'invalidCredentials: 80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 52e, v4563\\x00'" => [];
    user_525: "ad-525" <= "LDAP Authentication Failed: 'invalidCredentials: 80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 525, v4563'" => ["ad_client.search_dn"];
    logon_hours_530: "ad-530" <= "LDAP Authentication Failed: '... data 530, v4563'" => [];
    workstation_531: "ad-531" <= "LDAP Authentication Failed: '... data 531, v4563'" => [];
    expired_532: "ad-532" <= "LDAP Authentication Failed: '... data 532, v4563'" => [];
    disabled_533: "ad-533" <= "LDAP Authentication Failed: '... data 533, v4563'" => [];
    account_expired_701: "ad-701" <= "LDAP Authentication Failed: '... data 701, v4563'" => [];
    must_change_773: "ad-773" <= "LDAP Authentication Failed: '... data 773, v4563'" => [];
    locked_775: "ad-775" <= "LDAP Authentication Failed: '... data 775, v4563'" => [];
    invalid_credentials: "ldap-invalid-credentials" <= "C<-S LDAPMessage(id=5, value=LDAPBindResponse(resultCode=49, errorMessage='invalidCredentials'))" => ["ad_client.service_account_password"];
    user_not_found: "ad-user-not-found-search" <= "Could not find user with username: alice. It's possible this user does not exist or did not match your configured security filters." => ["ad_client.search_dn", "ad_client.security_group_dn"];
    security_group: "ad-security-group" <= "Tried to search security group DN for object sid but it could not be found" => ["ad_client.security_group_dn"];
    ldap_filter: "ldap-invalid-filter" <= "Invalid LDAP filter: (&(objectClass=user)" => ["ad_client"];
    ad_unreachable: "ad-unreachable" <= "AD Connection failed: <twisted.python.failure.Failure twisted.internet.error.ConnectionRefusedError>" => ["ad_client.host", "ad_client.host_2"];
    multiple_binds: "ldap-multiple-binds" <= "[Request from 10.0.0.7:50123] Attempt to bindRequest multiple times in the same LDAP connection.  Disconnecting." => ["radius_server_auto"];
    ldap_client_tls: "ldap-client-tls" <= "The downstream application and the Authentication Proxy were not able to establish an SSL connection. Error message: x." => ["radius_server_auto"];
    private_key: "private-key-unreadable" <= "Could not open private key file conf/server.key" => ["radius_server_auto"];
    duo_40102: "duo-40102" <= "duoauthproxy.lib.duo_async.DuoAPIFailClosedError: 40102: Invalid integration key in request credentials" => ["radius_server_auto.ikey"];
    duo_40103: "duo-40103" <= "DuoAPIFailClosedError: 40103: Invalid signature in request credentials" => ["radius_server_auto.skey_protected"];
    dns: "duo-dns" <= "API Request Failed: DNSLookupError(\"address 'api-x.duosecurity.com' not found: [Errno -2] Name or service not known\")" => ["radius_server_auto.api_host"];
    unreachable: "duo-unreachable" <= "API Request Failed: TCPTimedOutError('TCP connection timed out: 110: Connection timed out.')" => ["radius_server_auto.api_host", "radius_server_auto.failmode"];
    credentials: "duo-credentials" <= "The Auth Proxy was not able to validate the provided API credentials." => ["radius_server_auto.ikey"];
    drift: "time-drift" <= "The time drift between the Auth Proxy host and Duo is excessively high, at 400 seconds." => [];
    failmode_safe: "failmode-safe" <= "(('10.0.0.1', 5), alice, 7): Failmode Safe - Allowed Duo login on preauth failure" => ["radius_server_auto.failmode"];
    failmode_secure: "failmode-secure" <= "(('10.0.0.1', 5), alice, 7): Failmode Secure - Denied Duo login on preauth failure" => ["radius_server_auto.failmode"];
    login_timed_out: "login-timed-out" <= "(('10.0.0.1', 5), alice, 7): Duo authentication returned 'deny': 'Login timed out.'" => [];
    not_enrolled: "not-enrolled" <= "(('10.0.0.1', 5), alice, 7): Duo authentication returned 'deny': 'User is not enrolled. Enrollment link sent.'" => [];
    no_factors: "no-factors" <= "(('10.0.0.1', 5), alice, 7): User has no Duo factors usable with this configuration" => ["radius_server_auto"];
    unknown_client: "radius-unknown-client" <= "dropping packet from 10.0.0.9:41000 - Unknown Client: 10.0.0.9" => ["radius_server_auto.radius_ip_1", "radius_server_auto.radius_ip_2"];
    secret_mismatch: "radius-secret-mismatch" <= "(('10.0.0.1', 5), alice, 7): Cannot decode password using the configured radius_secret. Please ensure the client and Authentication Proxy use the same shared secret." => ["radius_server_auto.radius_secret_1", "radius_server_auto.radius_secret_2"];
    message_authenticator: "radius-message-authenticator" <= "dropping packet from 10.0.0.1:5 - Invalid Message-Authenticator from 10.0.0.1" => ["radius_server_auto.radius_secret_1"];
    duplicate: "radius-duplicate-request" <= "(('10.0.0.1', 5), alice, 7): Received duplicate request" => [];
    primary_timeout: "radius-primary-timeout" <= "(('10.0.0.1', 5), alice, 7): Error performing primary authentication: RADIUS auth request timed out" => ["ad_client.host"];
    bad_password_format: "radius-bad-password-format" <= "(('10.0.0.1', 5), alice, 7): Missing or improperly-formatted password" => [];
    allow_concat: "radius-allow-concat-mschap" <= "Allow concat is configured, but is not supported with MS-CHAPv2 authentications. Did you try to concatenate your second factor to your password?" => ["radius_server_auto"];
    client_ip: "radius-client-ip-port" <= "User IP not provided. Authorized Networks policies will not work for this authentication." => ["radius_server_auto"];
    primary_rejected: "primary-rejected" <= "(('10.0.0.1', 5), alice, 7): Primary credentials rejected - No reply message in packet" => [];
    dpapi: "dpapi-decrypt" <= "pywintypes.error: (-2146893813, 'CryptUnprotectData', 'Key not valid for use in specified state.')" => ["radius_server_auto.skey_protected"];
    sync_sections: "directory-sync-sections" <= "All [cloud] sections must have the exact same configuration" => [];
    missing_item: "config-missing-item" <= "ConfigError: Missing required configuration item: 'ikey'" => [];
}

#[test]
fn every_catalogue_entry_has_its_test() {
    for signature in SIGNATURES {
        assert!(TESTED.contains(&signature.id), "no test for catalogue entry {}", signature.id);
        assert!(!signature.title.is_empty() && !signature.explanation.is_empty() && !signature.fix.is_empty());
    }
    let mut ids: Vec<&str> = SIGNATURES.iter().map(|s| s.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), SIGNATURES.len(), "catalogue ids are unique");
}

#[test]
fn routine_lines_are_not_explained_as_failures() {
    for line in [
        "Summary: drpc_timing. Extra data: {'data_length': 138, 'call_id': '1693cf2ac906cc9ab65a23f7a7be5c51'}",
        "(('10.0.0.1', 5), alice, 7): Duo authentication returned 'allow': 'Success. Logging you in...'",
        "Sending request from 10.0.0.1 to radius_server_auto",
        "Summary: drpc_msg_metrics. Extra data: {'msg_time': 0.0, 'data_length': 174, 'msg_id': 'a2401029f40103c5b65a23f7a7be5c51'}",
    ] {
        assert_eq!(explain(line.as_bytes()).map(|s| s.id), None, "{line}");
    }
}

#[test]
fn an_unknown_client_with_no_section_known_points_at_every_servers_client_list() {
    let doc = Document::parse(&format!("{CONFIG}\n[radius_server_duo_only]\nradius_ip_1=10.1.0.0/16\n"));
    let signature = explain(b"dropping packet from 10.0.0.9:41000 - Unknown Client: 10.0.0.9").unwrap();
    let lines = config_lines(signature.config, &doc, None);
    let sections: Vec<&str> = lines.iter().map(|l| l.section.as_str()).collect();
    assert_eq!(sections, ["radius_server_auto", "radius_server_auto", "radius_server_duo_only"]);
    assert_eq!(lines[0].line, 15, "0-based line of radius_ip_1");
}
