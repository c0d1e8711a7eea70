//! Active Directory's `data XXX` sub-codes of LDAP result 49 (invalid credentials).

/// What an AD sub-code means and what to do, or `None` for an unknown code.
#[must_use]
pub fn explain(code: &str) -> Option<(&'static str, &'static str)> {
    Some(match code.to_ascii_lowercase().as_str() {
        "525" => ("the user does not exist", "check the service account's user name"),
        "52e" => (
            "wrong password (or unknown user: AD does not tell them apart)",
            "check the service account's user name and password",
        ),
        "530" => ("logon is not permitted at this time", "check the account's logon hours in AD"),
        "531" => {
            ("logon is not permitted from this workstation", "check the account's \"log on to\" workstation list in AD")
        }
        "532" => ("the password has expired", "set a new password for the service account in AD"),
        "533" => ("the account is disabled", "enable the service account in AD"),
        "568" => ("the user has too many security groups", "reduce the account's group memberships"),
        "701" => ("the account has expired", "extend the service account's expiry date in AD"),
        "773" => (
            "the password must be changed at next logon",
            "set a new password for the service account and clear \"must change password\"",
        ),
        "775" => ("the account is locked out", "unlock the service account in AD, then check why it locked"),
        _ => return None,
    })
}

/// The `data XXX` sub-code in an AD diagnostic message, e.g. `52e` in
/// `80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data 52e, v1db1`.
#[must_use]
pub fn sub_code(server_text: &str) -> Option<String> {
    let at = server_text.find("data ")? + "data ".len();
    let code: String = server_text[at..].chars().take_while(char::is_ascii_hexdigit).collect();
    (!code.is_empty()).then(|| code.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_sub_code_in_ad_texts() {
        let text = "80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data 52e, v1db1\0";
        assert_eq!(sub_code(text).as_deref(), Some("52e"));
        assert_eq!(sub_code("8009030C: LdapErr: DSID-0C0904DC, comment: x, data 773, v4563").as_deref(), Some("773"));
        assert_eq!(sub_code(""), None);
        assert_eq!(sub_code("no data here"), None);
    }

    #[test]
    fn every_documented_code_is_explained() {
        for code in ["525", "52e", "530", "531", "532", "533", "701", "773", "775", "52E"] {
            assert!(explain(code).is_some(), "{code}");
        }
        assert!(explain("999").is_none());
    }
}
