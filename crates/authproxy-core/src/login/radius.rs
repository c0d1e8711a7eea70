//! The RADIUS packets of a test login, as a VPN or firewall sends them: Access-Request with
//! User-Name, a PAP User-Password (RFC 2865 §5.2), NAS-IP-Address, the challenge's State when
//! answering one, and Message-Authenticator (RFC 3579); and the answer read and verified.

use std::net::IpAddr;

use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use zeroize::Zeroizing;

/// Access-Request.
pub const ACCESS_REQUEST: u8 = 1;
/// Access-Accept.
pub const ACCESS_ACCEPT: u8 = 2;
/// Access-Reject.
pub const ACCESS_REJECT: u8 = 3;
/// Access-Challenge.
pub const ACCESS_CHALLENGE: u8 = 11;

const USER_NAME: u8 = 1;
const USER_PASSWORD: u8 = 2;
const NAS_IP_ADDRESS: u8 = 4;
const REPLY_MESSAGE: u8 = 18;
const STATE: u8 = 24;
const CLASS: u8 = 25;
const SESSION_TIMEOUT: u8 = 27;
const NAS_IDENTIFIER: u8 = 32;
const MESSAGE_AUTHENTICATOR: u8 = 80;

/// What goes in one Access-Request.
pub struct RequestParts<'a> {
    /// RADIUS identifier.
    pub id: u8,
    /// Request Authenticator (random).
    pub authenticator: [u8; 16],
    /// User-Name.
    pub user: &'a str,
    /// What goes in User-Password (the password, with a factor appended, or a challenge's answer).
    pub password: &'a str,
    /// NAS-IP-Address (IPv4 only).
    pub nas_ip: Option<IpAddr>,
    /// The State of the challenge being answered.
    pub state: Option<&'a [u8]>,
}

/// An Access-Request, or why the values do not fit one.
///
/// # Errors
/// The user name or password is longer than RADIUS allows (253 and 128 bytes).
pub fn access_request(parts: &RequestParts<'_>, secret: &[u8]) -> Result<Vec<u8>, String> {
    if parts.user.is_empty() || parts.user.len() > 253 {
        return Err("the user name must be 1 to 253 bytes".into());
    }
    let hidden = hide_password(parts.password.as_bytes(), &parts.authenticator, secret)?;
    let mut packet = vec![ACCESS_REQUEST, parts.id, 0, 0];
    packet.extend_from_slice(&parts.authenticator);
    push(&mut packet, USER_NAME, parts.user.as_bytes());
    push(&mut packet, USER_PASSWORD, &hidden);
    if let Some(IpAddr::V4(v4)) = parts.nas_ip {
        push(&mut packet, NAS_IP_ADDRESS, &v4.octets());
    }
    push(&mut packet, NAS_IDENTIFIER, b"authproxy-manager test login");
    if let Some(state) = parts.state {
        push(&mut packet, STATE, &state[..state.len().min(253)]);
    }
    let ma_at = packet.len() + 2;
    push(&mut packet, MESSAGE_AUTHENTICATOR, &[0; 16]);
    let length = u16::try_from(packet.len()).map_err(|_| "the request is too long".to_string())?;
    packet[2..4].copy_from_slice(&length.to_be_bytes());
    let mac = hmac_md5(secret, &packet);
    packet[ma_at..ma_at + 16].copy_from_slice(&mac);
    Ok(packet)
}

fn push(packet: &mut Vec<u8>, kind: u8, value: &[u8]) {
    // Callers keep values at most 253 bytes.
    packet.push(kind);
    packet.push((value.len() + 2) as u8);
    packet.extend_from_slice(value);
}

/// RFC 2865 §5.2: the password padded to 16-byte blocks, each XORed with MD5(secret + the
/// previous block), the first with the Request Authenticator.
fn hide_password(password: &[u8], authenticator: &[u8; 16], secret: &[u8]) -> Result<Vec<u8>, String> {
    if password.len() > 128 {
        return Err("RADIUS carries passwords of at most 128 bytes".into());
    }
    let blocks = password.len().div_ceil(16).max(1);
    let mut padded = Zeroizing::new(vec![0u8; blocks * 16]);
    padded[..password.len()].copy_from_slice(password);
    let mut out = Vec::with_capacity(padded.len());
    let mut previous: Vec<u8> = authenticator.to_vec();
    for block in padded.chunks(16) {
        let mut hasher = Md5::new();
        hasher.update(secret);
        hasher.update(&previous);
        let key = hasher.finalize();
        let cipher: Vec<u8> = block.iter().zip(key.iter()).map(|(p, k)| p ^ k).collect();
        out.extend_from_slice(&cipher);
        previous = cipher;
    }
    Ok(out)
}

fn hmac_md5(key: &[u8], data: &[u8]) -> [u8; 16] {
    let mut mac = Hmac::<Md5>::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// Whether an answer carried Message-Authenticator, and whether it verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageAuthenticator {
    /// Not in the answer.
    Absent,
    /// Present and valid for the shared secret.
    Valid,
    /// Present and wrong.
    Invalid,
}

/// An answer, verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The code (2 accept, 3 reject, 11 challenge).
    pub code: u8,
    /// Reply-Message attributes, joined.
    pub reply_message: Option<String>,
    /// State (a challenge's).
    pub state: Option<Vec<u8>>,
    /// Class attributes, as text where they are text.
    pub class: Vec<String>,
    /// Session-Timeout, seconds.
    pub session_timeout: Option<u32>,
    /// Every attribute type present, in order (for the report).
    pub attribute_types: Vec<u8>,
    /// Message-Authenticator.
    pub message_authenticator: MessageAuthenticator,
}

/// Reads an answer to the request `id` with Request Authenticator `request_authenticator`.
///
/// # Errors
/// The packet is malformed, answers another request, or its Response Authenticator does not
/// match the secret (the shared secrets differ).
pub fn read_answer(packet: &[u8], id: u8, request_authenticator: &[u8; 16], secret: &[u8]) -> Result<Answer, String> {
    if packet.len() < 20 {
        return Err(format!("a {}-byte packet is too short for RADIUS", packet.len()));
    }
    let length = usize::from(u16::from_be_bytes([packet[2], packet[3]]));
    if length < 20 || length > packet.len() {
        return Err("the packet's length field is wrong".into());
    }
    let packet = &packet[..length];
    if packet[1] != id {
        return Err(format!("it answers request {} instead of {id}", packet[1]));
    }
    let mut hasher = Md5::new();
    hasher.update(&packet[..4]);
    hasher.update(request_authenticator);
    hasher.update(&packet[20..]);
    hasher.update(secret);
    if hasher.finalize().as_slice() != &packet[4..20] {
        return Err("its Response Authenticator does not match: the shared secret differs".into());
    }
    let mut answer = Answer {
        code: packet[0],
        reply_message: None,
        state: None,
        class: Vec::new(),
        session_timeout: None,
        attribute_types: Vec::new(),
        message_authenticator: MessageAuthenticator::Absent,
    };
    let mut at = 20;
    while at + 2 <= packet.len() {
        let (kind, len) = (packet[at], usize::from(packet[at + 1]));
        if len < 2 || at + len > packet.len() {
            return Err("an attribute's length is wrong".into());
        }
        let value = &packet[at + 2..at + len];
        answer.attribute_types.push(kind);
        match kind {
            REPLY_MESSAGE => {
                let text = String::from_utf8_lossy(value);
                let joined = answer.reply_message.take().map_or_else(|| text.to_string(), |m| m + &text);
                answer.reply_message = Some(joined);
            }
            STATE => answer.state = Some(value.to_vec()),
            CLASS => answer.class.push(String::from_utf8(value.to_vec()).unwrap_or_else(|_| hex(value))),
            SESSION_TIMEOUT if value.len() == 4 => {
                answer.session_timeout = Some(u32::from_be_bytes([value[0], value[1], value[2], value[3]]));
            }
            MESSAGE_AUTHENTICATOR if len == 18 => {
                let mut copy = packet.to_vec();
                copy[4..20].copy_from_slice(request_authenticator);
                copy[at + 2..at + 18].fill(0);
                answer.message_authenticator = if hmac_md5(secret, &copy) == value {
                    MessageAuthenticator::Valid
                } else {
                    MessageAuthenticator::Invalid
                };
            }
            _ => {}
        }
        at += len;
    }
    Ok(answer)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The name of a RADIUS code.
#[must_use]
pub fn code_name(code: u8) -> &'static str {
    match code {
        ACCESS_ACCEPT => "Access-Accept",
        ACCESS_REJECT => "Access-Reject",
        ACCESS_CHALLENGE => "Access-Challenge",
        _ => "an unexpected code",
    }
}

/// The name of an attribute type, for the report.
#[must_use]
pub fn attribute_name(kind: u8) -> String {
    match kind {
        REPLY_MESSAGE => "Reply-Message".into(),
        STATE => "State".into(),
        CLASS => "Class".into(),
        SESSION_TIMEOUT => "Session-Timeout".into(),
        MESSAGE_AUTHENTICATOR => "Message-Authenticator".into(),
        26 => "Vendor-Specific".into(),
        other => format!("attribute {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 2865 §5.2 undone, as a server does it.
    fn reveal(hidden: &[u8], authenticator: &[u8; 16], secret: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut previous = authenticator.to_vec();
        for block in hidden.chunks(16) {
            let mut hasher = Md5::new();
            hasher.update(secret);
            hasher.update(&previous);
            let key = hasher.finalize();
            out.extend(block.iter().zip(key.iter()).map(|(c, k)| c ^ k));
            previous = block.to_vec();
        }
        while out.last() == Some(&0) {
            out.pop();
        }
        out
    }

    #[test]
    fn the_password_is_hidden_as_rfc_2865_says_and_the_request_signed() {
        let authenticator = [9u8; 16];
        for password in ["", "short", "exactly sixteen!", "a password longer than one block, with ünïcode"] {
            let hidden = hide_password(password.as_bytes(), &authenticator, b"s3cret").unwrap();
            assert_eq!(hidden.len() % 16, 0);
            assert_eq!(reveal(&hidden, &authenticator, b"s3cret"), password.as_bytes());
            if !password.is_empty() {
                assert_ne!(&hidden[..password.len().min(16)], &password.as_bytes()[..password.len().min(16)]);
            }
        }
        assert!(hide_password(&[b'x'; 129], &authenticator, b"s").is_err());
        let parts = RequestParts {
            id: 7,
            authenticator,
            user: "alice",
            password: "pw",
            nas_ip: Some("10.0.0.1".parse().unwrap()),
            state: Some(b"st"),
        };
        let packet = access_request(&parts, b"s3cret").unwrap();
        assert_eq!(usize::from(u16::from_be_bytes([packet[2], packet[3]])), packet.len());
        let mut zeroed = packet.clone();
        let at = packet.len() - 16;
        zeroed[at..].fill(0);
        assert_eq!(hmac_md5(b"s3cret", &zeroed), packet[at..]);
        assert!(!packet.windows(2).any(|w| w == b"pw"), "the password is never in clear");
    }

    #[test]
    fn answers_are_verified_and_their_attributes_read() {
        let authenticator = [3u8; 16];
        let secret = b"s3cret";
        let mut reply = vec![ACCESS_CHALLENGE, 5, 0, 0];
        reply.extend_from_slice(&authenticator);
        push(&mut reply, REPLY_MESSAGE, b"Enter the code");
        push(&mut reply, STATE, b"abc");
        push(&mut reply, CLASS, b"vpn");
        let ma_at = reply.len() + 2;
        push(&mut reply, MESSAGE_AUTHENTICATOR, &[0; 16]);
        let length = reply.len() as u16;
        reply[2..4].copy_from_slice(&length.to_be_bytes());
        let ma = hmac_md5(secret, &reply);
        reply[ma_at..ma_at + 16].copy_from_slice(&ma);
        let mut hasher = Md5::new();
        hasher.update(&reply);
        hasher.update(secret);
        reply[4..20].copy_from_slice(&hasher.finalize());
        let answer = read_answer(&reply, 5, &authenticator, secret).unwrap();
        assert_eq!(answer.code, ACCESS_CHALLENGE);
        assert_eq!(answer.reply_message.as_deref(), Some("Enter the code"));
        assert_eq!(answer.state.as_deref(), Some(&b"abc"[..]));
        assert_eq!(answer.class, ["vpn"]);
        assert_eq!(answer.message_authenticator, MessageAuthenticator::Valid);
        assert!(read_answer(&reply, 5, &authenticator, b"other").unwrap_err().contains("shared secret differs"));
        assert!(read_answer(&reply, 6, &authenticator, secret).is_err());
        assert!(read_answer(&reply[..12], 5, &authenticator, secret).is_err());
    }
}
