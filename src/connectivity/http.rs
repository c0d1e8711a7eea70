//! Just enough HTTP/1.1 for Duo's ping and check and for an HTTP proxy's CONNECT.

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// The largest response accepted; Duo's answers are a few hundred bytes.
const MAX_RESPONSE: usize = 1 << 20;

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
}

impl From<std::io::Error> for HttpError {
    fn from(e: std::io::Error) -> Self {
        Self::Io(e)
    }
}

/// Sends `GET path` with `headers` and reads the whole response.
///
/// # Errors
/// [`HttpError`] on I/O failure or a response that is not HTTP.
pub async fn get<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    host: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> Result<Response, HttpError> {
    let mut request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: authproxy-manager/{}\r\nAccept: application/json\r\nConnection: close\r\n", env!("CARGO_PKG_VERSION"));
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
/// [`HttpError`] on I/O failure or a response that is not HTTP.
pub async fn connect<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    host: &str,
    port: u16,
) -> Result<Response, HttpError> {
    let request = format!("CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    stream.flush().await?;
    read_response(stream, false).await
}

async fn read_response<S: AsyncRead + Unpin>(stream: &mut S, with_body: bool) -> Result<Response, HttpError> {
    let mut buffer = Vec::new();
    let head_end = loop {
        if let Some(at) = find(&buffer, b"\r\n\r\n") {
            break at;
        }
        if buffer.len() > 64 * 1024 {
            return Err(HttpError::Malformed("the response headers never end".into()));
        }
        // Byte by byte until the head ends, so nothing of a CONNECT tunnel's payload is consumed.
        let mut byte = [0u8; 1];
        if stream.read(&mut byte).await? == 0 {
            return Err(HttpError::Malformed(if buffer.is_empty() {
                "the server closed the connection without answering".into()
            } else {
                "the server closed the connection in the middle of its answer".into()
            }));
        }
        buffer.push(byte[0]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let mut parts = status_line.splitn(3, ' ');
    let (version, code, reason) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let status = match (version.starts_with("HTTP/"), code.parse::<u16>()) {
        (true, Ok(code)) => code,
        _ => {
            return Err(HttpError::Malformed(format!(
                "not an HTTP answer: {:?}",
                status_line.chars().take(60).collect::<String>()
            )))
        }
    };
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut response = Response { status, reason: reason.to_string(), headers, body: Vec::new() };
    if !with_body {
        return Ok(response);
    }
    let chunked = response.header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked"));
    let length = response.header("content-length").and_then(|v| v.parse::<usize>().ok());
    let mut body = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        if length.is_some_and(|n| body.len() >= n) || (chunked && find(&body, b"0\r\n\r\n").is_some()) {
            break;
        }
        match stream.read(&mut chunk).await {
            Ok(0) => break,
            Ok(n) => body.extend_from_slice(&chunk[..n]),
            // A TLS peer that closes without close_notify: the body so far is all there is.
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(e.into()),
        }
        if body.len() > MAX_RESPONSE {
            return Err(HttpError::Malformed("the response is larger than 1 MiB".into()));
        }
    }
    if let Some(n) = length {
        body.truncate(n);
    }
    response.body = if chunked { dechunk(&body)? } else { body };
    Ok(response)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn dechunk(mut data: &[u8]) -> Result<Vec<u8>, HttpError> {
    let mut out = Vec::new();
    loop {
        let line_end =
            find(data, b"\r\n").ok_or_else(|| HttpError::Malformed("a chunk size line is cut off".into()))?;
        let size_text = String::from_utf8_lossy(&data[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| HttpError::Malformed(format!("bad chunk size {size_text:?}")))?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Ok(out);
        }
        let chunk = data.get(..size).ok_or_else(|| HttpError::Malformed("a chunk is cut off".into()))?;
        out.extend_from_slice(chunk);
        data = data.get(size + 2..).unwrap_or_default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn reads_content_length_and_chunked_bodies() {
        let (mut client, mut server) = tokio::io::duplex(4096);
        tokio::spawn(async move {
            let mut request = [0u8; 512];
            let _ = server.read(&mut request).await;
            server.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello").await.unwrap();
        });
        let r = get(&mut client, "h", "/p", &[]).await.unwrap();
        assert_eq!((r.status, r.body.as_slice()), (200, b"hello".as_slice()));
        assert_eq!(dechunk(b"3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n").unwrap(), b"abcde");
    }

    #[tokio::test]
    async fn a_non_http_answer_is_malformed() {
        let (mut client, mut server) = tokio::io::duplex(4096);
        tokio::spawn(async move {
            let mut request = [0u8; 512];
            let _ = server.read(&mut request).await;
            server.write_all(b"SSH-2.0-OpenSSH\r\n\r\n").await.unwrap();
        });
        assert!(matches!(get(&mut client, "h", "/", &[]).await, Err(HttpError::Malformed(_))));
    }
}
