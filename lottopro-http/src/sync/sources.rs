//! The three places a Korean Lotto result can come from. Their response
//! formats are read by the core (`lottopro_core::io::official`); this module
//! names the sources and turns a reader's error into the reason a sync
//! reports.

use lottopro_core::io::{self, OfficialDraw};
use lottopro_core::{Error, GameSpec};

/// Where results come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DrawSource {
    /// The official site's 2026 endpoint (`/lt645/selectPstLt645InfoNew.do`),
    /// up to 10 rounds per request, with every rank's winners and prizes.
    Api,
    /// The official legacy endpoint (`common.do?method=getLottoNumber`), one
    /// round per request, first prize only; reported blocked since 2026.
    Legacy,
    /// The public mirror of static JSON files (`results/{n}.json`).
    Mirror,
}

impl DrawSource {
    /// Its name on the command line and in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            DrawSource::Api => "api",
            DrawSource::Legacy => "legacy",
            DrawSource::Mirror => "mirror",
        }
    }

    /// The draws in `body`, a response of this source, from round `from`
    /// on (the public face of the three parsers, for fuzzing and tools).
    pub fn parse(
        self,
        game: &GameSpec,
        body: &str,
        from: u32,
    ) -> Result<Vec<OfficialDraw>, String> {
        match self {
            DrawSource::Api => io::read_official_api(game, body, from),
            DrawSource::Legacy => {
                io::read_official_legacy(game, body).map(|d| d.into_iter().collect())
            }
            DrawSource::Mirror => io::read_mirror(game, body).map(|d| vec![d]),
        }
        .map_err(reason)
    }

    /// A list such as `api,legacy,mirror`.
    pub fn parse_list(text: &str) -> lottopro_core::Result<Vec<DrawSource>> {
        let list = text
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| match s {
                "api" => Ok(DrawSource::Api),
                "legacy" => Ok(DrawSource::Legacy),
                "mirror" => Ok(DrawSource::Mirror),
                other => Err(Error::invalid(
                    "sources",
                    format!("'{other}' is not api, legacy or mirror"),
                )),
            })
            .collect::<lottopro_core::Result<Vec<_>>>()?;
        if list.is_empty() {
            return Err(Error::invalid("sources", "name at least one source"));
        }
        Ok(list)
    }
}

/// What a sync reports when a response cannot be read: the reader's words.
pub(crate) fn reason(e: Error) -> String {
    match e {
        Error::InvalidInput { message, .. } => message,
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_named_in_a_list() {
        assert_eq!(
            DrawSource::parse_list("api, mirror").unwrap(),
            vec![DrawSource::Api, DrawSource::Mirror]
        );
        assert!(DrawSource::parse_list("ftp").is_err());
        // A reader's error becomes the reason a sync reports, in its words.
        let game = GameSpec::kr645();
        let why = DrawSource::Api.parse(&game, "", 1).unwrap_err();
        assert_eq!(why, "answered with an empty body");
    }
}
