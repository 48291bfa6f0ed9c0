//! Phone numbers, normalised to E.164 beside what the user typed (which is kept as typed).

/// A phone number in its standard forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    /// `+442079460958`
    pub e164: String,
    /// The national significant number, digits only: `2079460958`.
    pub national: String,
}

/// Parses `text` as a phone number. Numbers written with a `+` and a country code parse on
/// their own; others need `default_country` (ISO 3166 alpha-2, such as `GB`). `None` when the
/// number cannot be understood: it is still stored as typed.
pub fn normalize(text: &str, default_country: Option<&str>) -> Option<Normalized> {
    enlarge_regex_cache();
    let country = default_country.and_then(|c| c.trim().to_ascii_uppercase().parse().ok());
    let number = phonenumber::parse(country, text).ok()?;
    if !phonenumber::is_valid(&number) {
        return None;
    }
    Some(Normalized {
        e164: number.format().mode(phonenumber::Mode::E164).to_string(),
        national: number.national().value().to_string(),
    })
}

/// phonenumber keeps its compiled patterns in an LRU cache of 100, fewer than the patterns of
/// a handful of countries: numbers from mixed countries then recompile regexes on every call
/// (seven times slower in the import benchmark). Give it room for all of them, once.
fn enlarge_regex_cache() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if let Ok(mut cache) = phonenumber::metadata::DATABASE.cache().lock() {
            *cache = regex_cache::RegexCache::new(8192);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn international_numbers_parse_without_a_default_country() {
        let n = normalize("+44 (20) 7946-0958", None).unwrap();
        assert_eq!(n.e164, "+442079460958");
        assert_eq!(n.national, "2079460958");
        assert_eq!(
            normalize("+1 206 555 0142", Some("DE")).unwrap().e164,
            "+12065550142"
        );
    }

    #[test]
    fn national_numbers_need_the_default_country() {
        assert_eq!(normalize("020 7946 0958", None), None);
        assert_eq!(
            normalize("020 7946 0958", Some("gb")).unwrap().e164,
            "+442079460958"
        );
        assert_eq!(
            normalize("030 901820", Some("DE")).unwrap().e164,
            "+4930901820"
        );
    }

    #[test]
    fn nonsense_is_not_a_number() {
        assert_eq!(normalize("call me", Some("GB")), None);
        assert_eq!(normalize("123", Some("GB")), None);
    }
}
