// The banner at the top of every doctor's screen of a patient: who (name, age, sex), allergies
// with their severity (or, clearly apart, "No allergies recorded" against "No known allergies"),
// active problems and active medicines. One audited read (GET /patients/{id}/summary), loaded
// again after every write to the record (a prescription, a resolved problem, a stopped medicine).
import type { ReactNode } from 'react';
import type { Profile } from '../api/identity';
import { clinical } from '../api/records';
import { AllergyText } from './allergies';
import { OverrideNote } from './prescribing';
import { keys, useApiQuery } from '../api/query';
import { Async } from './status';

/** One column of the banner: its entries, or "None recorded". */
function BannerList<T extends { id: number }>({
  title,
  items,
  children,
}: {
  title: string;
  items: T[];
  children: (item: T) => ReactNode;
}) {
  return (
    <div>
      <dt>{title}</dt>
      <dd>
        {items.length === 0 ? (
          <span className="muted">None recorded</span>
        ) : (
          <ul>
            {items.map((item) => (
              <li key={item.id}>{children(item)}</li>
            ))}
          </ul>
        )}
      </dd>
    </div>
  );
}

const SEX: Record<string, string> = { female: 'female', male: 'male', other: 'other', unknown: 'sex not recorded' };

/** Who the record is of; `sex` as sent (the banner names the sexes it knows and shows any other as is). */
type BannerPerson = Pick<Profile, 'id' | 'full_name' | 'date_of_birth' | 'phone'> & { sex: string };

export function PatientBanner({ patientId, profile }: { patientId: number; profile: BannerPerson }) {
  const summary = useApiQuery(keys.record(patientId, 'summary'), () => clinical.summary(patientId));
  return (
    <section className="card patient-banner" aria-labelledby="patient-banner-name">
      <h1 id="patient-banner-name">{profile.full_name}</h1>
      <p className="muted banner-facts">
        Patient #{profile.id}
        {summary.data?.patient.age != null && <> · {summary.data.patient.age} years</>} ·{' '}
        {SEX[profile.sex] ?? profile.sex} · born {profile.date_of_birth}
        {profile.phone && <> · {profile.phone}</>}
      </p>
      <Async state={summary} label="Loading allergies, problems and medicines…">
        {(s) => (
          <dl className="banner-grid">
            <div
              className={
                'banner-allergies' + (s.allergies.length === 0 && !s.no_known_allergies ? ' none-recorded' : '')
              }
            >
              <dt>Allergies</dt>
              <dd>
                {s.allergies.length > 0 ? (
                  <ul>
                    {s.allergies.map((allergy) => (
                      <li key={allergy.substance}>
                        <AllergyText allergy={allergy} />
                        {allergy.resolves_to && !allergy.resolves_to.checked && (
                          <span className="hint"> not checked when prescribing</span>
                        )}
                      </li>
                    ))}
                  </ul>
                ) : s.no_known_allergies ? (
                  <>No known allergies (the patient says so)</>
                ) : (
                  <>
                    <strong>No allergies recorded</strong> — not the same as none: ask the patient.
                  </>
                )}
                {!s.brand_names_available && s.allergies.length > 0 && (
                  <p className="hint">
                    Brand names cannot be looked up right now, so allergies given as a brand may not be checked.
                  </p>
                )}
              </dd>
            </div>
            <BannerList title="Active problems" items={s.problems}>
              {(d) => (
                <>
                  {d.description} {d.icd10_code && <span className="muted">({d.icd10_code})</span>}
                </>
              )}
            </BannerList>
            <BannerList title="Active medicines" items={s.medicines}>
              {(p) => (
                <>
                  {p.medicine} {p.strength}{' '}
                  <span className="muted">
                    — {p.dose}, {p.frequency}
                  </span>
                  <OverrideNote prescription={p} />
                </>
              )}
            </BannerList>
          </dl>
        )}
      </Async>
    </section>
  );
}
