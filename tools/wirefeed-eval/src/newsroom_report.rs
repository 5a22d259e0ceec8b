//! The text form of a [`crate::newsroom::NewsroomReport`]: each count with its first
//! examples, for both runs, then archive against live.

use crate::newsroom::{NewsroomReport, RunReport, ScoresJson};

fn count_line(
    f: &mut std::fmt::Formatter<'_>,
    name: &str,
    count: &crate::newsroom_checks::Count,
    out_of: Option<usize>,
) -> std::fmt::Result {
    match out_of {
        Some(total) => writeln!(f, "    {name}: {} of {total}", count.count)?,
        None => writeln!(f, "    {name}: {}", count.count)?,
    }
    for example in &count.examples {
        writeln!(f, "      e.g. {example}")?;
    }
    Ok(())
}

impl std::fmt::Display for RunReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let c = &self.checks;
        writeln!(
            f,
            "  {} timestamps: {} records ({} kill notices, {} handovers) in {:.2} s; {} violations",
            self.timestamps,
            self.records,
            self.kill_notices,
            c.handover_notices,
            self.seconds,
            self.violations
        )?;
        let scores = |s: &ScoresJson| {
            format!(
                "precision {:.4}  recall {:.4}  F1 {:.4}",
                s.precision, s.recall, s.f1
            )
        };
        writeln!(
            f,
            "    B-cubed wire.family  {}",
            scores(&self.family_b_cubed)
        )?;
        writeln!(
            f,
            "    B-cubed wire.story   {}",
            scores(&self.story_b_cubed)
        )?;
        count_line(
            f,
            "usable copies of killed stories (latest record, in the killed family)",
            &c.usable_copies_of_killed_stories,
            Some(c.killed_story_copies),
        )?;
        count_line(
            f,
            "copies of killed stories outside the killed family (dedup misses, not kill failures)",
            &c.killed_story_copies_outside_the_family,
            Some(c.killed_story_copies),
        )?;
        count_line(
            f,
            "canceled copies of stories nobody killed",
            &c.canceled_without_a_kill,
            None,
        )?;
        count_line(
            f,
            "records published before the lift without embargoedUntil",
            &c.records_without_the_embargo,
            Some(c.embargo_records_checked),
        )?;
        count_line(
            f,
            "records before the lift outside the embargoed family (dedup misses, not embargo failures)",
            &c.embargo_records_outside_the_family,
            None,
        )?;
        count_line(
            f,
            "handover notices of copies published before the lift without embargoedUntil",
            &c.notices_without_the_embargo,
            None,
        )?;
        writeln!(
            f,
            "    records before the lift that reached the enricher before the embargo did: {}",
            c.embargo_not_yet_known
        )?;
        count_line(
            f,
            "pickups published before the lift not flagged embargo_broken",
            &c.broken_embargoes_not_flagged,
            Some(c.pickups_before_the_lift),
        )?;
        count_line(
            f,
            "false embargo_broken flags",
            &c.false_embargo_flags,
            None,
        )?;
        count_line(
            f,
            "families without an original",
            &c.families_without_an_original,
            Some(c.families),
        )?;
        count_line(
            f,
            "families with several originals",
            &c.families_with_several_originals,
            Some(c.families),
        )?;
        count_line(
            f,
            "families whose other originals are versions of the original under their own uri (wire.version_of: agency updates, corrected re-sends)",
            &c.agency_updates_as_second_original,
            Some(c.families),
        )?;
        count_line(
            f,
            "families whose original is not the agency copy it holds",
            &c.families_whose_original_is_not_the_agency_copy,
            Some(c.families),
        )?;
        writeln!(
            f,
            "    late agency copies that are their family's original: {} of {}",
            c.late_agency_copies_original.0, c.late_agency_copies_original.1
        )?;
        for example in &c.late_agency_copies_not_original.examples {
            writeln!(f, "      not: {example}")?;
        }
        Ok(())
    }
}

impl std::fmt::Display for NewsroomReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "Reuters-21578 {} split, generator seed {}: {} stories, {} items, {} copies ({} outlet pickups, {} agency updates); {} kills, {} embargoes, {} late agency copies",
            self.split,
            self.seed,
            self.stories,
            self.items,
            self.copies,
            self.pickups,
            self.agency_updates,
            self.kills,
            self.embargoes,
            self.late_agency_copies
        )?;
        write!(f, "{}{}", self.live, self.archive)?;
        let c = &self.comparison;
        writeln!(
            f,
            "  archive - live: B-cubed F1 wire.family {:+.4}, wire.story {:+.4}; agreement of the archive's clusters with the live ones: family F1 {:.4}, story F1 {:.4}",
            c.family_f1_difference,
            c.story_f1_difference,
            c.family_agreement.f1,
            c.story_agreement.f1
        )?;
        writeln!(
            f,
            "  lineage (is_original, family, story) differing: {} of {} articles, {} of {} latest records",
            c.articles_differing, c.articles, c.latest_records_differing, c.uris
        )?;
        for example in &c.examples {
            writeln!(f, "    e.g. {example}")?;
        }
        Ok(())
    }
}
