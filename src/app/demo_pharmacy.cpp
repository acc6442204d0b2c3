// The demo's pharmacy: the medicines table as the catalogue (through the pharmacy's importer:
// cleaned, demo prices, prescription status from the ingredient classes) and deterministic stock
// through its bulk loader (pharmacy owns its tables; app never writes them).
#include <chrono>

#include "app/demo_data.hpp"
#include "core/csv.hpp"
#include "core/time.hpp"
#include "medicines/knowledge.hpp"
#include "pharmacy/bulk.hpp"
#include "pharmacy/service.hpp"
#include "records/clinical_service.hpp"

namespace vitalis::app {

Result<DemoPharmacy> load_demo_pharmacy(db::Pool& pool, const identity::KeyRing& key,
                                        std::int64_t admin_id, const DemoOptions& options,
                                        std::ostream& progress) {
  DemoPharmacy out;
  auto path = std::filesystem::path(options.datasets_dir) / medicines::kMedicinesTable;
  auto csv = read_file(path);
  if (!csv.ok()) {
    out.note = "pharmacy left empty: the medicines table could not be read (" +
               csv.error().message + "); run vitalis import medicines later";
    return out;
  }
  identity::IdentityService identity(pool, key, identity::IdentityOptions{});
  auto knowledge = medicines::load_knowledge(options.datasets_dir);
  records::ClinicalService clinical(pool, identity, {}, knowledge);
  pharmacy::PharmacyService pharmacy(pool, identity, clinical, knowledge);
  pharmacy::PharmacyService::ImportReport report;
  auto items = pharmacy::PharmacyService::read_dataset(*csv, report);
  if (!items.ok()) return items.error();
  auto imported = pharmacy.import_items(*items, report, [&](std::size_t done, std::size_t total) {
    if (done == total || done % 2000 == 0) {
      progress << "medicines " << done << "/" << total << "\n" << std::flush;
    }
  });
  if (!imported.ok()) return imported.error();
  out.items = static_cast<std::int64_t>(imported->added + imported->updated + imported->unchanged);
  std::string today = format_rfc3339(Clock::now()).substr(0, 10);
  auto lots = pharmacy::bulk::stock_demo(pool, admin_id, today, options.seed);
  if (!lots.ok()) return lots.error();
  out.lots = *lots;
  return out;
}

}  // namespace vitalis::app
