//! The ANSI code page a file that is not UTF-8 is read and saved in: this machine's by default,
//! another one for a file from a server with a different code page (a setting, as `--codepage`).

use egui::Ui;

use super::AuthProxyApp;
use crate::config::file::LoadedFile;
use crate::config::{decode_in, CodePage, Encoding};

impl AuthProxyApp {
    /// The code page files that are not UTF-8 are read in.
    #[must_use]
    pub fn code_page(&self) -> CodePage {
        self.settings.settings.code_page.unwrap_or_else(CodePage::host)
    }

    /// How the open file is encoded.
    #[must_use]
    pub fn encoding(&self) -> Encoding {
        self.buffer.encoding
    }

    /// Reads files in `page` from now on; the open file is read again in it unless it has
    /// unsaved changes (re-reading would lose them).
    pub fn set_code_page(&mut self, page: CodePage) {
        self.settings.settings.code_page = Some(page);
        let reread = matches!(self.buffer.encoding, Encoding::Ansi(_) | Encoding::Undecodable { .. });
        match (&self.buffer.on_disk, &self.buffer.path) {
            (Some(bytes), Some(path)) if reread && !self.buffer.is_modified() => {
                let file = LoadedFile { path: path.clone(), decoded: decode_in(bytes, page), original: bytes.clone() };
                self.buffer.reload(file);
                self.editor.keep_caret_within(self.buffer.text.len());
                self.status.set(format!("Read the file again in {page}"));
            }
            _ if reread => self.status.set(format!(
                "Files are read in {page} from now on; this one has unsaved changes, so it keeps its code page \
                 until it is opened again"
            )),
            _ => self.status.set(format!("Files that are not UTF-8 are read in {page} from now on")),
        }
    }

    /// The file's encoding, with a menu to read it in another code page.
    pub(super) fn encoding_status(&mut self, ui: &mut Ui, warning: egui::Color32) {
        let encoding = self.buffer.encoding;
        let label = egui::RichText::new(encoding.to_string());
        let label = if matches!(encoding, Encoding::Undecodable { .. }) { label.color(warning) } else { label };
        let mut chosen = None;
        ui.menu_button(label, |ui| {
            ui.label(format!(
                "A file that is not UTF-8 is read, and saved, in the Windows server's ANSI code page: now {}.",
                self.code_page()
            ));
            ui.separator();
            for page in CodePage::all() {
                if ui.selectable_label(page == self.code_page(), page.to_string()).clicked() {
                    chosen = Some(page);
                    ui.close();
                }
            }
        })
        .response
        .on_hover_text("The file's encoding; choose the code page of the server the file comes from");
        if let Some(page) = chosen {
            self.set_code_page(page);
        }
    }
}
