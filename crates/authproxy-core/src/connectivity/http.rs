//! Just enough HTTP/1.1 for Duo's ping and check and for an HTTP proxy's CONNECT. Responses
//! are parsed with `httparse`; a chunked body ends at its real last chunk.

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// The largest response accepted; Duo's answers are a few hundred bytes.
const MAX_RESPONSE: usize = 1 << 20;
/// The largest response head accepted.
const MAX_HEAD: usize = 64 * 1024;
/// Headers read from a response at most.
const MAX_HEADERS: usize = 64;

/// A parsed response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// The status line's text after the code.
    pub reason: String,
    /// Headers, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The body (chunked encoding removed).
    pub body: Vec<u8>,
}

impl Response {
    /// The first header with this lower-case name.
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// Why an exchange failed.
#[derive(Debug)]
pub enum HttpError {
    /// Reading or writing failed.
    Io(std::io::Error),
    /// The peer's bytes are not HTTP.
    Malformed(String),
    /// A host or header value would change the request's meaning (a line break in it); nothing was sent.
    Unsafe(String),
}

impl From<std::io::Error> for HttpError {
    fn from(e: std::io::Error) -> Self {
        Self::Io(e)
    }
}

/// Whether `host` can stand in a request line and a `Host:` header as it is: a DNS name or
/// an IP address, nothing else (no space, no line break, no `@` or `/`).
#[must_use]
pub fn is_plain_host(host: &str) -> bool {
    !host.is_empty()
        && host.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b':' | b'[' | b']'))
}

fn check_request(host: &str, headers: &[(&str, &str)]) -> Result<(), HttpError> {
    if !is_plain_host(host) {
        return Err(HttpError::Unsafe(format!(
            "{:?} is not a plain host name (it holds a space, a line break or another character a host name \
             cannot have), so no request was sent",
            host.chars().take(80).collect::<String>()
        )));
    }
    let safe = |text: &str| !text.chars().any(char::is_control);
    if let Some((name, _)) = headers.iter().find(|(name, value)| !safe(name) || !safe(value)) {
        return Err(HttpError::Unsafe(format!("the {name} header holds a line break, so no request was sent")));
    }
    Ok(())
}

/// Sends `GET path` with `headers` and reads the whole response.
///
/// # Errors
/// [`HttpError`] on I/O failure, a response that is not HTTP, or a host or header that is not safe to send.
pub async fn get<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    host: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> Result<Response, HttpError> {
    check_request(host, headers)?;
    let mut request = format!(
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: authproxy-manager/{}\r\nAccept: application/json\r\n\
         Connection: close\r\n",
        env!("CARGO_PKG_VERSION")
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).await?;
    stream.flush().await?;
    read_response(stream, true).await
}

/// Asks an HTTP proxy to open a tunnel to `host:port`; returns its response (200 = open).
///
/// # Errors
/// [`HttpError`] on I/O failure, a response that is not HTTP, or a host that is not safe to send.
pub async fn connect<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    host: &str,
    port: u16,
) -> Result<Response, HttpError> {
    check_request(host, &[])?;
    let request = format!("CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    stream.flush().await?;
    read_response(stream, false).await
}

async fn read_response<S: AsyncRead + Unpin>(stream: &mut S, with_body: bool) -> Result<Response, HttpError> {
    let mut buffer = Vec::new();
    // Byte by byte until the head ends, so nothing of a CONNECT tunnel's payload is consumed.
    let (head_len, mut response) = loop {
        if buffer.ends_with(b"\n\r\n") || buffer.ends_with(b"\n\n") {
            if let Some(parsed) = parse_head(&buffer)? {
                break parsed;
            }
        }
        if buffer.len() > MAX_HEAD {
            return Err(HttpError::Malformed("the response headers never end".into()));
        }
        let mut byte = [0u8; 1];
        if stream.read(&mut byte).await? == 0 {
            return Err(HttpError::Malformed(if buffer.is_empty() {
                "the server closed the connection without answering".into()
            } else if parse_head(&buffer).is_err() {
                not_http(&buffer)
            } else {
                "the server closed the connection in the middle of its answer".into()
            }));
        }
        buffer.push(byte[0]);
    };
    buffer.drain(..head_len);
    if !with_body {
        return Ok(response);
    }
    let framing = Framing::of(&response);
    let mut chunk = [0u8; 8192];
    loop {
        if let Some(body) = framing.complete(&buffer)? {
            response.body = body;
            return Ok(response);
        }
        let read = match stream.read(&mut chunk).await {
            Ok(n) => n,
            // A TLS peer that closes without close_notify: the body so far is all there is.
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => 0,
            Err(e) => return Err(e.into()),
        };
        if read == 0 {
            response.body = framing.at_close(buffer)?;
            return Ok(response);
        }
        buffer.extend_from_slice(&chunk[..read]);
        if buffer.len() > MAX_RESPONSE {
            return Err(HttpError::Malformed("the response is larger than 1 MiB".into()));
        }
    }
}

fn not_http(bytes: &[u8]) -> String {
    let first_line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let shown: String = String::from_utf8_lossy(first_line).chars().take(60).collect();
    format!("not an HTTP answer: {:?}", shown.trim_end())
}

/// The response head at the start of `bytes` and its length, once it is complete.
///
/// # Errors
/// [`HttpError::Malformed`] when the bytes are not an HTTP response head.
pub fn parse_head(bytes: &[u8]) -> Result<Option<(usize, Response)>, HttpError> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Response::new(&mut headers);
    let len = match parsed.parse(bytes) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(httparse::Error::TooManyHeaders) => {
            return Err(HttpError::Malformed(format!("the response has more than {MAX_HEADERS} headers")))
        }
        Err(_) => return Err(HttpError::Malformed(not_http(bytes))),
    };
    let headers = parsed
        .headers
        .iter()
        .map(|h| (h.name.to_ascii_lowercase(), String::from_utf8_lossy(h.value).trim().to_string()))
        .collect();
    let response = Response {
        status: parsed.code.unwrap_or_default(),
        reason: parsed.reason.unwrap_or_default().to_string(),
        headers,
        body: Vec::new(),
    };
    Ok(Some((len, response)))
}

/// Parses a whole response as received up to the connection's close: head and body.
///
/// # Errors
/// [`HttpError::Malformed`] when it is not HTTP, is cut off, or its chunks are broken.
pub fn parse_response(bytes: &[u8]) -> Result<Response, HttpError> {
    let Some((len, mut response)) = parse_head(bytes)? else {
        return Err(HttpError::Malformed("the response head is cut off".into()));
    };
    let framing = Framing::of(&response);
    response.body = match framing.complete(&bytes[len..])? {
        Some(body) => body,
        None => framing.at_close(bytes[len..].to_vec())?,
    };
    Ok(response)
}

/// How the end of a body is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Framing {
    /// No body at all (1xx, 204, 304).
    Empty,
    /// `Content-Length` bytes.
    Length(usize),
    /// `Transfer-Encoding: chunked`.
    Chunked,
    /// Everything until the connection closes.
    UntilClose,
}

impl Framing {
    fn of(response: &Response) -> Self {
        if response.status < 200 || matches!(response.status, 204 | 304) {
            return Self::Empty;
        }
        let chunked = response
            .header("transfer-encoding")
            .and_then(|v| v.rsplit(',').next())
            .is_some_and(|last| last.trim().eq_ignore_ascii_case("chunked"));
        if chunked {
            return Self::Chunked;
        }
        match response.header("content-length").and_then(|v| v.parse::<usize>().ok()) {
            Some(n) => Self::Length(n),
            None => Self::UntilClose,
        }
    }

    /// The body, once `data` holds all of it.
    fn complete(self, data: &[u8]) -> Result<Option<Vec<u8>>, HttpError> {
        match self {
            Self::Empty => Ok(Some(Vec::new())),
            Self::Length(n) => Ok(data.get(..n).map(<[u8]>::to_vec)),
            Self::Chunked => dechunk(data),
            Self::UntilClose => Ok(None),
        }
    }

    /// The body when the peer closed the connection after sending `data`.
    fn at_close(self, data: Vec<u8>) -> Result<Vec<u8>, HttpError> {
        match self {
            Self::Empty => Ok(Vec::new()),
            Self::UntilClose => Ok(data),
            Self::Length(n) => Err(HttpError::Malformed(format!(
                "the server closed the connection after {} of the {n} bytes it announced",
                data.len()
            ))),
            Self::Chunked => Err(HttpError::Malformed("the server closed the connection before the last chunk".into())),
        }
    }
}

/// Decodes a chunked body: `Ok(None)` until `data` holds the last chunk and the trailer's end.
///
/// # Errors
/// [`HttpError::Malformed`] for a bad chunk size or a chunk not followed by its line break.
pub fn dechunk(data: &[u8]) -> Result<Option<Vec<u8>>, HttpError> {
    let mut out = Vec::new();
    let mut at = 0;
    loop {
        let (consumed, size) = match httparse::parse_chunk_size(&data[at..]) {
            Ok(httparse::Status::Complete(found)) => found,
            Ok(httparse::Status::Partial) => return Ok(None),
            Err(_) => return Err(HttpError::Malformed("a chunk of the response has a bad size line".into())),
        };
        at += consumed;
        if size == 0 {
            return Ok(trailer_ends(&data[at..]).then_some(out));
        }
        let size = usize::try_from(size)
            .ok()
            .filter(|s| *s <= MAX_RESPONSE)
            .ok_or_else(|| HttpError::Malformed("a chunk of the response is larger than 1 MiB".into()))?;
        let Some(chunk) = data.get(at..at + size) else { return Ok(None) };
        match data.get(at + size..at + size + 2) {
            None => return Ok(None),
            Some(b"\r\n") => {}
            Some(_) => {
                return Err(HttpError::Malformed("a chunk of the response does not end where its size says".into()))
            }
        }
        out.extend_from_slice(chunk);
        at += size + 2;
    }
}

/// Whether `rest` (after the last chunk's size line) holds the end of the trailer section.
fn trailer_ends(rest: &[u8]) -> bool {
    rest.starts_with(b"\r\n") || rest.windows(4).any(|w| w == b"\r\n\r\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn exchange(answer: &'static [u8]) -> Result<Response, HttpError> {
        let (mut client, mut server) = tokio::io::duplex(4096);
        tokio::spawn(async move {
            let mut request = [0u8; 512];
            let _ = server.read(&mut request).await;
            server.write_all(answer).await.unwrap();
        });
        get(&mut client, "h", "/p", &[]).await
    }

    #[tokio::test]
    async fn reads_content_length_and_chunked_bodies() {
        let r = exchange(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello").await.unwrap();
        assert_eq!((r.status, r.body.as_slice()), (200, b"hello".as_slice()));
        let r = exchange(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n")
            .await
            .unwrap();
        assert_eq!(r.body, b"abcde");
        assert_eq!(dechunk(b"3\r\nabc\r\n2;x=y\r\nde\r\n0\r\nX-T: 1\r\n\r\n").unwrap().unwrap(), b"abcde");
    }

    #[test]
    fn a_chunk_that_contains_the_terminator_does_not_end_the_body() {
        // The first chunk's data is "0\r\n\r\n" itself; the body goes on after it.
        let body = b"5\r\n0\r\n\r\n\r\n3\r\nend\r\n0\r\n\r\n";
        assert_eq!(dechunk(body).unwrap().unwrap(), b"0\r\n\r\nend");
        assert_eq!(dechunk(&body[..12]).unwrap(), None, "more is coming");
        assert!(matches!(dechunk(b"zz\r\n"), Err(HttpError::Malformed(_))));
        assert!(matches!(dechunk(b"2\r\nabc\r\n"), Err(HttpError::Malformed(_))));
    }

    #[tokio::test]
    async fn a_non_http_answer_is_malformed() {
        let answer = exchange(b"SSH-2.0-OpenSSH\r\n\r\n").await;
        assert!(matches!(&answer, Err(HttpError::Malformed(m)) if m.contains("SSH-2.0")), "{answer:?}");
        assert!(matches!(
            parse_response(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc"),
            Err(HttpError::Malformed(_))
        ));
        assert_eq!(parse_response(b"HTTP/1.1 204 No Content\r\n\r\n").unwrap().body, b"");
    }

    #[tokio::test]
    async fn a_host_or_header_with_a_line_break_is_never_sent() {
        let (mut client, mut server) = tokio::io::duplex(4096);
        let injected = "api-x.duosecurity.com\r\nX-Injected: yes";
        assert!(matches!(connect(&mut client, injected, 443).await, Err(HttpError::Unsafe(_))));
        assert!(matches!(get(&mut client, "api-x.duosecurity.com\nX: 1", "/", &[]).await, Err(HttpError::Unsafe(_))));
        let header = [("Date", "Tue\r\nX-Injected: yes")];
        assert!(matches!(get(&mut client, "api-x.duosecurity.com", "/", &header).await, Err(HttpError::Unsafe(_))));
        drop(client);
        let mut sent = Vec::new();
        server.read_to_end(&mut sent).await.unwrap();
        assert!(sent.is_empty(), "nothing was written: {:?}", String::from_utf8_lossy(&sent));
        assert!(is_plain_host("10.0.0.1") && is_plain_host("[::1]") && !is_plain_host("a b") && !is_plain_host(""));
    }
}
