//! The `.rdp` file for Remote Desktop clients (mstsc), built from the
//! person's Web Terminal (`luna.graphics`) preferences, as JumpServer builds it.

use serde_json::Value;

/// What the file says, gathered from the preferences, the endpoint and the
/// permission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RdpFile {
    pub host: String,
    pub port: u16,
    pub username: String,
    /// `(width, height)`, or `None` for "auto" (the client decides).
    pub resolution: Option<(u32, u32)>,
    /// Colour depth in bits: 32, 24 or 16.
    pub color_depth: u8,
    pub smart_sizing: bool,
    pub full_screen: bool,
    pub multi_monitor: bool,
    /// Local drives are shared only when asked for and the permission lets
    /// files move both ways (upload and download).
    pub drives: bool,
    pub microphone: bool,
}

impl RdpFile {
    /// Reads the `luna.graphics` group of the preferences (as
    /// `Core::preferences_of` answers it). `transfer_allowed`: the
    /// permission grants both upload and download.
    pub fn from_preferences(
        graphics: &Value,
        host: &str,
        port: u16,
        username: &str,
        transfer_allowed: bool,
    ) -> Self {
        let text = |name: &str| graphics.get(name).and_then(Value::as_str).unwrap_or_default();
        let options: Vec<&str> = graphics
            .get("rdp_client_option")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let resolution = text("rdp_resolution")
            .split_once('x')
            .and_then(|(w, h)| Some((w.trim().parse().ok()?, h.trim().parse().ok()?)));
        let color_depth = match text("rdp_color_quality") {
            "16" => 16,
            "24" => 24,
            _ => 32,
        };
        RdpFile {
            host: host.to_owned(),
            port,
            username: username.to_owned(),
            resolution,
            color_depth,
            smart_sizing: text("rdp_smart_size") == "1",
            full_screen: options.contains(&"full_screen"),
            multi_monitor: options.contains(&"multi_screen"),
            drives: options.contains(&"drives_redirect") && transfer_allowed,
            microphone: options.contains(&"remote_microphone"),
        }
    }

    /// The file, one `name:type:value` per line, CRLF as Windows writes it.
    pub fn render(&self) -> String {
        let flag = |on: bool| if on { "1" } else { "0" };
        // An IPv6 address needs brackets before the port.
        let host =
            if self.host.contains(':') { format!("[{}]", self.host) } else { self.host.clone() };
        let mut lines = vec![
            format!("full address:s:{host}:{}", self.port),
            format!("username:s:{}", self.username),
            format!("screen mode id:i:{}", if self.full_screen { 2 } else { 1 }),
        ];
        if let Some((width, height)) = self.resolution {
            lines.push(format!("desktopwidth:i:{width}"));
            lines.push(format!("desktopheight:i:{height}"));
            lines.push("dynamic resolution:i:0".into());
        }
        lines.extend([
            format!("session bpp:i:{}", self.color_depth),
            format!("smart sizing:i:{}", flag(self.smart_sizing)),
            format!("use multimon:i:{}", flag(self.multi_monitor)),
            format!("audiocapturemode:i:{}", flag(self.microphone)),
            "audiomode:i:0".into(),
            "autoreconnection enabled:i:1".into(),
            "prompt for credentials:i:0".into(),
        ]);
        if self.drives {
            lines.push("drivestoredirect:s:*".into());
        }
        let mut out = lines.join("\r\n");
        out.push_str("\r\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn lines(file: &RdpFile) -> Vec<String> {
        file.render().split("\r\n").map(str::to_owned).collect()
    }

    #[test]
    fn defaults_give_a_windowed_automatic_session() {
        let graphics = json!({"rdp_resolution": "auto", "rdp_client_option": [], "rdp_color_quality": "32", "rdp_smart_size": "0"});
        let file = RdpFile::from_preferences(&graphics, "gw.example.com", 3389, "JMS-1", true);
        let lines = lines(&file);
        assert_eq!(lines[0], "full address:s:gw.example.com:3389");
        assert_eq!(lines[1], "username:s:JMS-1");
        assert!(lines.contains(&"screen mode id:i:1".to_owned()));
        assert!(lines.contains(&"session bpp:i:32".to_owned()));
        assert!(!lines.iter().any(|l| l.starts_with("desktopwidth")));
        assert!(!lines.iter().any(|l| l.starts_with("drivestoredirect")));
        assert!(file.render().ends_with("\r\n"));
    }

    #[test]
    fn preferences_shape_the_file() {
        let graphics = json!({
            "rdp_resolution": "1920x1080",
            "rdp_client_option": ["full_screen", "multi_screen", "drives_redirect", "remote_microphone"],
            "rdp_color_quality": "16",
            "rdp_smart_size": "1",
        });
        let file = RdpFile::from_preferences(&graphics, "fe80::1", 13389, "JMS-2", true);
        let lines = lines(&file);
        for expected in [
            "full address:s:[fe80::1]:13389",
            "screen mode id:i:2",
            "desktopwidth:i:1920",
            "desktopheight:i:1080",
            "session bpp:i:16",
            "smart sizing:i:1",
            "use multimon:i:1",
            "audiocapturemode:i:1",
            "drivestoredirect:s:*",
        ] {
            assert!(lines.contains(&expected.to_owned()), "{expected} in {lines:?}");
        }
        let without_transfer = RdpFile::from_preferences(&graphics, "gw", 3389, "JMS-2", false);
        assert!(!without_transfer.render().contains("drivestoredirect"));
    }
}
