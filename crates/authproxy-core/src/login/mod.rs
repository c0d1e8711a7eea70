//! The test login: the tool plays the VPN or firewall and sends a login to the proxy's own
//! listener, as that client would (PAP with Message-Authenticator, retransmitting at its
//! timeout, answering a challenge), times every step, and says what the timing means for the
//! real client. An `ldap_server_auto` section gets a simple bind and the search after it.

pub mod advice;
pub mod exchange;
pub mod ldap;
pub mod radius;
pub mod report;
pub mod target;

pub use advice::{advice, verdict, Verdict};
pub use exchange::{ClientModel, Credentials, Ending, Exchange, Step, TimedStep};
pub use target::{radius_target, FactorStyle, RadiusTarget, TargetProblem};
