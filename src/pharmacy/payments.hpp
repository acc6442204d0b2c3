// How an order is paid: the one step of placing an order that a payment provider would take
// over. Only offline methods run here (no provider can be reached from this machine): cash on
// delivery and paying at the counter on pickup, which take nothing when the order is placed. A
// provider (a card gateway) implements the same interface; the service calls it after the
// order's reservation has committed (never inside a database transaction), and cancels the order
// (its stock returns through the ledger) when the payment is refused.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vitalis::pharmacy {

struct PaymentRequest {
  std::int64_t order_id = 0, patient_id = 0;
  std::int64_t amount_minor = 0;
  std::string currency, method, idempotency_key;  // the order's key, for the provider's retries
};

struct PaymentOutcome {
  bool accepted = false;
  std::string reference;  // the provider's, or empty
  std::string message;    // why it was refused, in the patient's words
};

class PaymentMethods {
 public:
  virtual ~PaymentMethods() = default;
  // The methods that go with a fulfilment (delivery | pickup), the default first.
  virtual std::vector<std::string> methods_for(const std::string& fulfilment) const = 0;
  // Takes (or arranges) the payment of a placed order. Safe to call again with the same request.
  virtual PaymentOutcome authorise(const PaymentRequest& request) = 0;
};

// Cash on delivery and pay at pickup: nothing to take now; the courier or the counter collects.
class OfflinePayments final : public PaymentMethods {
 public:
  std::vector<std::string> methods_for(const std::string& fulfilment) const override {
    if (fulfilment == "delivery") return {"cash_on_delivery"};
    if (fulfilment == "pickup") return {"pay_at_pickup"};
    return {};
  }
  PaymentOutcome authorise(const PaymentRequest&) override { return {true, "", ""}; }
};

}  // namespace vitalis::pharmacy
