//! Did-you-mean: the closest known name to a misspelt one, for every suggestion rolegen
//! makes (spec fields, parameters, rule codes, policy ids, service prefixes, actions and AWS
//! managed policies).

/// The candidate closest to `name`, ignoring ASCII case, or `None` if none is close enough
/// to be a likely typo.
///
/// Closeness is the Damerau-Levenshtein distance (a swap of two neighbouring letters is one
/// edit), at most a third of the name's length and never more than 4 (but always at least
/// 1). Ties go to the higher Jaro-Winkler similarity, then to the earlier candidate, so the
/// answer is deterministic for a sorted candidate list.
pub(crate) fn closest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let query = name.to_ascii_lowercase();
    let query_len = query.chars().count();
    let limit = (query_len / 3).clamp(1, 4);
    let mut best: Option<(usize, f64, &'a str)> = None;
    for candidate in candidates {
        if candidate.chars().count().abs_diff(query_len) > limit {
            continue; // the distance is at least the difference in length
        }
        let lower = candidate.to_ascii_lowercase();
        let distance = strsim::damerau_levenshtein(&query, &lower);
        if distance > limit {
            continue;
        }
        let similarity = strsim::jaro_winkler(&query, &lower);
        let better = match best {
            None => true,
            Some((d, s, _)) => distance < d || (distance == d && similarity > s),
        };
        if better {
            best = Some((distance, similarity, candidate));
        }
    }
    best.map(|(_, _, candidate)| candidate)
}
