import { type Decimal8, fromMinor, percentOf } from "./decimal.js";

/**
 * What the sandbox charges, deterministically: fixed fees in the processing currency's minor units,
 * variable ones as a percentage (a decimal string) of the amount.
 */
export interface FeeSchedule {
  gatewayFixed: number;
  schemeFixed: number;
  schemeVariablePercent: string;
  interchangePercent: string;
  refundFixed: number;
  chargebackFixed: number;
}

export const DEFAULT_FEES: FeeSchedule = {
  gatewayFixed: 10,
  schemeFixed: 2,
  schemeVariablePercent: "0.04",
  interchangePercent: "0.2",
  refundFixed: 10,
  chargebackFixed: 1500,
};

export interface FeeLine {
  breakdownType: string;
  feeDetail: string;
  /** Negative: a fee is money the merchant pays. */
  amount: Decimal8;
}

const scheme = (s: string) => (s.toLowerCase().includes("master") ? "Mastercard" : s || "Visa");

/** The fees on a capture of `amount`, interchange last (it is the one that can land later). */
export function captureFees(
  fees: FeeSchedule,
  amount: Decimal8,
  currency: string,
  cardScheme: string,
): FeeLine[] {
  const name = scheme(cardScheme);
  return [
    {
      breakdownType: "Gateway Fee",
      feeDetail: "Gateway Fee",
      amount: -fromMinor(fees.gatewayFixed, currency),
    },
    {
      breakdownType: "Scheme Fixed Fee",
      feeDetail: `${name} Fixed Acquirer Network Fee`,
      amount: -fromMinor(fees.schemeFixed, currency),
    },
    {
      breakdownType: "Scheme Variable Fee",
      feeDetail: `${name} Acquirer Service Fee`,
      amount: -percentOf(amount, fees.schemeVariablePercent),
    },
    {
      breakdownType: "Interchange",
      feeDetail: `${name} Interchange`,
      amount: -percentOf(amount, fees.interchangePercent),
    },
  ].filter((line) => line.amount !== 0n);
}

export function refundFees(fees: FeeSchedule, currency: string): FeeLine[] {
  const amount = -fromMinor(fees.refundFixed, currency);
  return amount === 0n ? [] : [{ breakdownType: "Refund Fee", feeDetail: "Refund Fee", amount }];
}

export function chargebackFees(fees: FeeSchedule, currency: string): FeeLine[] {
  const amount = -fromMinor(fees.chargebackFixed, currency);
  return amount === 0n ? [] : [{ breakdownType: "Chargeback Fee", feeDetail: "Chargeback Fee", amount }];
}
