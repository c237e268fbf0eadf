"""CTI handlers that set features of a line, and the line events they cause (document 26.1.5,
26.1.6, 26.1.22, 26.1.23, 26.1.28; events 26.2.2, 26.2.3, 26.2.5, 26.2.15).

The features live in the PBX (:class:`conformance.reference.pbx.LineFeatures`); the access
rules are those of every CTI operation on a line (:mod:`conformance.reference.cti`: another
user's line is ``accessdenied``, an unknown one ``invalidline``). Each change goes to every
monitor of the line, labelled with the monitor's cross reference ("In order to get these
events the line must be monitored with asnCtiLineMonitorStart", L26131, L26154, L26203), and
a monitor start or snapshot answers the features as they are (``iDoNotDisturb``,
``seqLineForwards``, ``remoteOfficeState`` of AsnCtiLineMonitorStartResult).

* asnCtiLineSetDoNotDisturb (L24768-L24809) -> asnCtiNotifyLineDoNotDisturbChanged with
  ``iDoNotDisturb`` "(1) set, (0) not set" (L26147), also when the value does not change.
* asnCtiLineSetRemoteOffice (L24811-L24866) -> asnCtiNotifyLineRemoteOfficeChanged with the
  state set.
* asnCtiSetForward (L25662-L25736): an unconditional forward unless the optional parameter
  ``ForwardMode`` says otherwise (L25690-L25701), added to the line's list (multiple forwards
  are supported, so ``bExistingForwardingChanged`` is true for the very first forward only,
  L25712-L25722); asnCtiRemoveForward (L25738-L25813) removes every forward, or the one that
  ``ForwardMode`` and ``ForwardDestination`` match exactly (L25744-L25745), ``bSuccess`` false
  when nothing matched. Each change -> asnCtiNotifyLineForwardingChanged with the whole new
  list (L26218).
* asnCtiSetActiveLineAddress (L25999-L26034) stores the address "am Client ausgewählt"
  (L26001) -> asnCtiNotifyLineActiveAddressChanged with its ``iAddressID`` (L26526-L26541).
  Every line has the addresses 0 (active at the start) and 1; any other id is stored too.
"""

from __future__ import annotations

from typing import Any

from conformance.reference import general
from conformance.reference.cti import _accessible_line, cti_of
from conformance.reference.dispatch import Call, operation
from conformance.reference.hooks import HookPoint
from conformance.rose import JsonObject

__all__ = ["FEATURE_EVENT_SENT", "FORWARD_LIST"]

FORWARD_IMMEDIATE = 1  # iCTIFORWARDIMMEDIATE (AsnForwardMode, 25.1.17)
FORWARD_CONTROLLER_PBX = 1
"""iForwardController of a forward the PBX carries out (the document names ICTI_ constants
only, L24040ff; the reference server has no forward of its own)."""

FEATURE_EVENT_SENT: HookPoint[tuple[str, bool]] = HookPoint(
    "cti.feature-event", "(line event, whether a line feature change tells the line's monitors)"
)
FORWARD_LIST: HookPoint[list[JsonObject]] = HookPoint(
    "cti.forward-list", "the seqLineForwards asnCtiNotifyLineForwardingChanged reports"
)


def _optional(argument: JsonObject, key: str) -> Any:
    """An optional parameter, from the object form or the document's array form (25.1.12)."""
    params = argument.get("optionalParams")
    if isinstance(params, dict):
        return params.get(key)
    for param in params if isinstance(params, list) else []:
        if isinstance(param, dict) and param.get("key") == key:
            value = param.get("value", {})
            return value.get("integerdata", value.get("stringdata"))
    return None


def _tell(call: Call, line: str, event: str, members: JsonObject) -> None:
    """``event`` to every monitor of ``line``, each with its own cross reference."""
    if not call.state.faults.apply(FEATURE_EVENT_SENT, (event, True))[1]:
        return
    cti = cti_of(call.state)
    for monitor in cti.monitors_on((line,)):
        monitor.session.send_event(
            event,
            {
                "u8sMonitorCrossRefID": monitor.cross_ref,
                "u8sLinePhoneNumber": cti.pbx.name(line),
                **members,
            },
        )


@operation("asnCtiLineSetDoNotDisturb")
async def set_do_not_disturb(call: Call, argument: JsonObject) -> JsonObject:
    pbx = cti_of(call.state).pbx
    line = _accessible_line(call, pbx, argument["u8sLinePhoneNumber"], "u8sLinePhoneNumber")
    features = pbx.features(line)
    features.do_not_disturb = bool(argument["bDoNotDisturb"])
    _tell(
        call,
        line,
        "asnCtiNotifyLineDoNotDisturbChanged",
        {"iDoNotDisturb": int(features.do_not_disturb)},
    )
    return {}


@operation("asnCtiLineSetRemoteOffice")
async def set_remote_office(call: Call, argument: JsonObject) -> JsonObject:
    pbx = cti_of(call.state).pbx
    line = _accessible_line(call, pbx, argument["u8sLinePhoneNumber"], "u8sLinePhoneNumber")
    features = pbx.features(line)
    features.remote_office = dict(argument["remoteOfficeState"])
    _tell(
        call,
        line,
        "asnCtiNotifyLineRemoteOfficeChanged",
        {"remoteOfficeState": dict(features.remote_office)},
    )
    return {}


def _forwards_changed(call: Call, line: str) -> None:
    forwards = [dict(f) for f in cti_of(call.state).pbx.features(line).forwards]
    reported = call.state.faults.apply(FORWARD_LIST, forwards)
    _tell(call, line, "asnCtiNotifyLineForwardingChanged", {"seqLineForwards": reported})
    general.forwards_changed(call.state, call.user, line, forwards)  # the owner's phone state


@operation("asnCtiSetForward")
async def set_forward(call: Call, argument: JsonObject) -> JsonObject:
    pbx = cti_of(call.state).pbx
    line = _accessible_line(call, pbx, argument["u8sPhoneNumberFrom"], "u8sPhoneNumberFrom")
    mode = _optional(argument, "ForwardMode")
    forwards = pbx.features(line).forwards
    first = not forwards
    forwards.append(
        {
            "iInternalID": max((f["iInternalID"] for f in forwards), default=0) + 1,
            "iForwardController": FORWARD_CONTROLLER_PBX,
            "iForwardMode": mode if isinstance(mode, int) else FORWARD_IMMEDIATE,
            "iBackEndSpecific": 0,
            "iNoAnswerTime": 0,
            "u8sDestination": argument["u8sPhoneNumberTo"],
            "u8sCallerIDList": [],
        }
    )
    _forwards_changed(call, line)
    return {"bSuccess": True, "bExistingForwardingChanged": first}


@operation("asnCtiRemoveForward")
async def remove_forward(call: Call, argument: JsonObject) -> JsonObject:
    pbx = cti_of(call.state).pbx
    line = _accessible_line(call, pbx, argument["u8sPhoneNumberFrom"], "u8sPhoneNumberFrom")
    mode = _optional(argument, "ForwardMode")
    destination = _optional(argument, "ForwardDestination")
    features = pbx.features(line)
    if mode is None and destination is None:
        kept: list[JsonObject] = []
    else:
        kept = [
            f
            for f in features.forwards
            if (f["iForwardMode"], f["u8sDestination"]) != (mode, destination)
        ]
    removed = len(kept) < len(features.forwards)
    features.forwards = kept
    if removed:
        _forwards_changed(call, line)
    return {"bSuccess": removed}


@operation("asnCtiSetActiveLineAddress")
async def set_active_line_address(call: Call, argument: JsonObject) -> JsonObject:
    pbx = cti_of(call.state).pbx
    line = _accessible_line(call, pbx, argument["u8sLinePhoneNumber"], "u8sLinePhoneNumber")
    pbx.features(line).active_address = argument["iAddressID"]
    event = "asnCtiNotifyLineActiveAddressChanged"
    _tell(call, line, event, {"iAddressID": argument["iAddressID"]})
    return {"bSuccess": True}
