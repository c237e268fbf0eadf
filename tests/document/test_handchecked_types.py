"""Hand-checked JSON Schemas: the document's tables, read by a person, against schemas/types/.

Every entry of ``CASES`` below was written by reading the protocol document
(``schemas/source/UCServer_Client_Access_Protocol_6.1.0.339.txt``) with ``sed -n 'A,Bp'`` and
reconstructing by hand the cells the PDF-to-text conversion broke apart: split column headers
(``Optiona`` / ``l``), member names and type names cut across lines, enum values cut in two
(``107374182`` / ``4``), cells of two columns interleaved on one line, comments spilled into the
next row, page footers inside tables. ``line`` is the line of the section heading in that file;
the comments name the damaged lines. Nothing here comes from the parser: the generated files
are read with :mod:`json` and compared with what the document says.

Member types are written as the JSON encoding rules of protocol-notes.md section 4 give them:
``integer`` / ``number`` (hungarian ``i`` / ``r``; other "number" members are integers),
``string``, ``boolean``, ``date-time`` (``st...`` members, AsnSystemTime), ``base64``
(OCTET STRING), or the name of the referenced type. A ``?`` after a member name marks "yes" in
the document's Optional column.

``descriptions`` pins the comment of a member or enum value at the damaged spots where the
comment column itself was torn: a comment spilled into the next row, a name fragment left in a
comment, an identifier cut across lines inside a comment.

Two sweeps over all of schemas/types (not hand-checked) follow the table: no description may
carry mojibake or the page footer.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest

TYPES_DIR = Path(__file__).resolve().parents[2] / "schemas" / "types"


@dataclass(frozen=True)
class Member:
    name: str
    type: str
    optional: bool


@dataclass(frozen=True)
class TypeCase:
    name: str
    module: str
    section: str
    line: int
    kind: str
    members: tuple[Member, ...] = ()
    values: tuple[tuple[str, int], ...] = ()
    items: str | None = None
    alias_of: str | None = None
    value_alternatives: tuple[str, ...] = ()
    descriptions: dict[str, str] = field(default_factory=dict)


def members(table: str) -> tuple[Member, ...]:
    """Parse ``name[?] type`` lines, in document order."""
    parsed = []
    for row in table.strip().splitlines():
        name, json_type = row.split()
        parsed.append(Member(name.rstrip("?"), json_type, name.endswith("?")))
    return tuple(parsed)


def values(table: str) -> tuple[tuple[str, int], ...]:
    """Parse ``name value`` lines, in document order."""
    return tuple((name, int(value)) for name, value in map(str.split, table.strip().splitlines()))


def case(heading: str, **expected: Any) -> TypeCase:
    """``heading`` is "<type> <module> <section> L<line of the section heading> <kind>"."""
    name, module, section, line, kind = heading.split()
    return TypeCase(name, module, section, int(line.removeprefix("L")), kind, **expected)


CASES: list[TypeCase] = [
    # --- General (chapter 3) ---------------------------------------------------------------
    case(
        "EnumCallState  General  3.1.11  L4352  enumeration",
        values=values("""
            eCALLSTATEUNKNOWN 0
            eCALLSTATEDESTROYED 1
            eCALLSTATEOFFERING 2
            eCALLSTATEDIALING 4
            eCALLSTATERINGBACK 8
            eCALLSTATEBUSY 16
            eCALLSTATECONNECTED 32
            eCALLSTATECONFERENCED 64
            eCALLSTATEHOLD 128
            eCALLSTATEDISCONNECTED 256
            eCALLSTATEPREPARECALL 512
        """),
    ),
    # L4517: the section 3.1.17 is empty, 3.1.18 follows on the next line. Contact ids are
    # strings everywhere they are used (u8sContactID, seqContactIDs: UTF8StringList).
    case("AsnContactID  General  3.1.17  L4517  alias", alias_of="string"),
    # L4518: the section right after the empty one must not be swallowed by it.
    case(
        "AsnPresenceRightsFlags  General  3.1.18  L4518  enumeration",
        values=values("""
            eVisible 1
            eChangeable 2
            eAppointmentPrivate 16
            eAppointmentPublic 32
            ePatternUsed 32768
            eBlocked 0
            ePublic 65536
            eCompany 131072
            eTeam 262144
            ePersonal 524288
        """),
    ),
    # L5697-5920: 220 lines of database-id prose before the table at L5921-5931.
    case(
        "AsnDatabaseEntryID  General  3.1.93  L5697  object",
        members=members("""
            u8sEntryIDDB string
            u8sEntryIDStore string
            u8sEntryID string
            optionalParams? AsnOptionalParameters
        """),
    ),
    # L6377-6474: header "Typ/e", "Opt/ion/al"; every name and type cell in 2-4 pieces
    # ("iRegist/erType", "nu/m/be/r", "u8sPus/hChann/elID", "str/in/g", "ye/s"). The comment of
    # u8sPushChannelID (L6439-6441) comes before its name cells, so the generator leaves it on
    # u8sPushID (CONFORMANCE-NOTES.md N13); descriptions are documentation, not validation.
    case(
        "AsnAppsRegisterPushArgument  General  3.1.119  L6373  object",
        members=members("""
            iRegisterType integer
            u8sDeviceID string
            u8sPushID string
            u8sPushChannelID string
            iEncryption? integer
        """),
    ),
    # L6794-6808: "bFixedNumberLenExtensionDTMFDial/ing", "bShortenOtherLocationSCNumbersFo/
    # rDialing" (the second half looks like an r-prefixed name of its own), type cells
    # "AsnNumberFormatRegExpr/essions2".
    case(
        "AsnLocationInformation2  General  3.1.137  L6766  object",
        members=members("""
            u8sLocationID string
            u8sLocationCheckSum string
            bUseVanity boolean
            bShowExtendedSettings boolean
            bUseTkSystem boolean
            bUseAdvancedLCR boolean
            bFixedNumberLenExtensionDTMFDialing boolean
            bMultiLocationSupport boolean
            bAutoCreateOtherLocationRules boolean
            bAllowNumberSearchOtherLocations boolean
            bShortenOtherLocationSCNumbersForDialing boolean
            iCountryID integer
            iLanguage integer
            u8sCountryCode string
            u8sLocalPrefix string
            u8sNationalPrefix string
            u8sInternationalPrefix string
            u8sLocalDialingRule string
            u8sNationalDialingRule string
            u8sInternationalDialingRule string
            u8sCityCodeNoPrefix string
            u8sVanityNumbers string
            u8sTKLocalAccessCode string
            u8sTKLongDistanceAccessCode string
            u8sTKInternationalAccessCode string
            u8sTKPrivateAccessCode string
            u8sTKForwardingAccessCode string
            u8sTKAnschlussNr string
            iTKMinLenInternalNumbers integer
            iTKMaxLenInternalNumbers integer
            numberFormatInternal AsnNumberFormatRegExpressions2
            numberFormatExternal AsnNumberFormatRegExpressions2
            numberFormatAutomaticOtherLocationsDDItoSC AsnNumberFormatRegExpressions2
            numberFormatAutomaticOtherLocationsSCtoDDI AsnNumberFormatRegExpressions2
            numberFormatRegExpressListIn AsnNumberFormatRegExpressions2
            numberFormatRegExpressListOut AsnNumberFormatRegExpressions2
            numberFormatRegExpressListDial AsnNumberFormatRegExpressions2
            numberFormatRegExpressListFinalDial AsnNumberFormatRegExpressions2
            projectPINRules AsnProjectPinRuleList
            u8sDDIRangeBegin string
            u8sDDIRangeEnd string
            iDialingNumberFormat integer
            bNoLocalDialing boolean
            optionalParams? AsnOptionalParameters
        """),
        # Neither member has a comment in the document.
        descriptions={
            "bAllowNumberSearchOtherLocations": "",
            "bShortenOtherLocationSCNumbersForDialing": "",
        },
    ),
    # --- Admin (chapter 5) -----------------------------------------------------------------
    # L9793-10033: every type cell "numbe/r"; L9996-9997 name/type/value/comment interleaved
    # ("eUSERRIGHTSDESKSHAREFULL numbe 8388608 0x00800000 Desktop Sharing," / " r komplett,");
    # L9918-9920 "eUSERRIGHTSGROUPVIEWJOURNALLEADE/R"; L10025-10027 value "13421772/8".
    case(
        "AsnUserStaticRights  Admin  5.1.2  L9787  enumeration",
        values=values("""
            eUSERRIGHTSSENDUSERUSER 1
            eUSERRIGHTSSENDSMS 2
            eUSERRIGHTSEMPTY 4
            eUSERRIGHTSUSEPROCALL 8
            eUSERRIGHTSSELFADMIN 32
            eUSERRIGHTSUSERCTI 64
            eDONOTUSE 128
            eUSERRIGHTSOFFLINEMAIL 256
            eUSERRIGHTSCALLRECORDING 512
            eUSERRIGHTSUSEPHONEBOOK 1024
            eUSERRIGHTSUSERPRESENCE 2048
            eUSERRIGHTSGROUPALLINMONITOR 4096
            eUSERRIGHTSGROUPNOCHANGEMONITOR 8192
            eUSERRIGHTSGROUPVIEWJOURNAL 16384
            eUSERRIGHTSGROUPVIEWJOURNALLEADER 32768
            eUSERRIGHTSGROUPEDITJOURNAL 65536
            eDONOTUSE2 131072
            eDONOTUSE3 262144
            eUSERRIGHTSUSERVIEWJOURNAL 524288
            eUSERRIGHTSGLOBALDELETEJOURNAL 1048576
            eUSERRIGHTSOFFLINESMS 2097152
            eUSERRIGHTSDESKSHAREACCEPT 4194304
            eUSERRIGHTSDESKSHAREFULL 8388608
            eDONOTUSE4 16777216
            eUSERRIGHTSAVAUDIO 33554432
            eUSERRIGHTSAVVIDEO 67108864
            eUSERRIGHTSFEDDESKSHARE 134217728
        """),
        descriptions={
            "eUSERRIGHTSDESKSHAREFULL": "0x00800000 Desktop Sharing, komplett, auch mit "
            "selbständiger Initiierung.",
        },
    ),
    # L10865-10893: "Optiona/l", "iAnsweredRedirectedCallJournalOptio/n",
    # "bAutoMarkReadGroupCallsOnCallbac/k", "boolea/n".
    case(
        "AsnAdminGetPhoneJournalSettingsResult  Admin  5.1.61  L10861  object",
        members=members("""
            iUnansweredCallJournalOption integer
            iAnsweredRedirectedCallJournalOption integer
            bAutoMarkReadGroupCallsOnCallback boolean
        """),
    ),
    # --- Agent (chapter 7) -----------------------------------------------------------------
    # L12477: eAGENTCAPISPBXACDGROUP (0x80000000) is only mentioned in the prose, it is not a
    # row of the table. L12543-12545 "eAGENTCAPSUPPORTEDAGENTREQUESTSWORKINGAFTERC/ALL";
    # L12579-12581 value "107374182/4".
    case(
        "AsnAgentGroupCapabilitiesEnum  Agent  7.1.4  L12471  enumeration",
        values=values("""
            eAGENTCAPSUPPORTEDAGENTREQUESTSLOGIN 1
            eAGENTCAPSUPPORTEDAGENTREQUESTSLOGOUT 2
            eAGENTCAPSUPPORTEDAGENTREQUESTSNOTREADY 4
            eAGENTCAPSUPPORTEDAGENTREQUESTSREADY 8
            eAGENTCAPSUPPORTEDAGENTREQUESTSBUSY 16
            eAGENTCAPSUPPORTEDAGENTREQUESTSWORKINGAFTERCALL 32
            eAGENTCAPSUPPORTEDAGENTREQUESTSMASK 255
            eAGENTCAPISPUBLICCHATGROUP 1073741824
        """),
    ),
    # L12633-12637 "Optiona/l"; L12655-12657 "iGroupCapabilitie/s"; L12685-12686
    # "AsnOptionalParameter yes ..." / " s Erweiterungen".
    case(
        "AsnAgentGroupInfo  Agent  7.1.6  L12612  object",
        members=members("""
            u8sAgentURI string
            u8sGroupURI string
            u8sDisplayName string
            iGroupCapabilities integer
            iAgentState integer
            optionalParams? AsnOptionalParameters
        """),
    ),
    case(
        "AsnAgentBroadcastCreateArgument  Agent  7.1.21  L12885  object",
        members=members("""
            listu8sGroupIDs UTF8StringList
            iBroadcastType integer
            data string
            iTTL? integer
        """),
    ),
    # --- Appointments (chapter 9) ----------------------------------------------------------
    case(
        "EnumAppointmentState  Appointments  9.1.1  L13583  enumeration",
        values=values("""
            eAPPOINTMENTSTATUSFREE 0
            eAPPOINTMENTSTATUSTENTATIVE 1
            eAPPOINTMENTSTATUSBUSY 2
            eAPPOINTMENTSTATUSOUTOFOFFICE 3
        """),
    ),
    case(
        "AsnAppointmentEntry  Appointments  9.1.4  L13632  object",
        members=members("""
            u8sEntryID string
            u8sOwner string
            u8sDataSource string
            stStart date-time
            stEnd date-time
            iDuration integer
            u8sSubject string
            u8sText string
            bAllDay boolean
            iStatus integer
            u8sCategory string
            iImportance integer
            iSensitivity integer
            bIsValid boolean
            optionalParams? AsnOptionalParameters
        """),
    ),
    # L13768: "SEQAppointmentList is an Array of AsnAppointmentEntry" (the element table that
    # follows is a copy of 9.1.4).
    case(
        "SEQAppointmentList  Appointments  9.1.12  L13766  array",
        items="AsnAppointmentEntry",
    ),
    case(
        "AsnAppointmentSetEntryListArgument  Appointments  9.1.13  L13821  object",
        members=members("""
            u8sOwner string
            u8sDataSource string
            appointments SEQAppointmentList
            optionalParams? AsnOptionalParameters
        """),
    ),
    # --- Authentication (chapter 11) -------------------------------------------------------
    # Read in the operation chapter (L13995-14108, 10.1.3) and in its copy 11.1.8 (L14882ff):
    # header "Optiona/l", "iServerUMSecurityOptio/n", "iServerTLSSecurityOptio/n",
    # "AsnOptionalParamete/rs". The comments of optionalParams (ServerBusyTimeout ... GUID)
    # stand on the stServerTime row; stServerTime's own comment follows them (L14983ff).
    case(
        "AsnNegotiateServerConnectionResult  Authentication  11.1.8  L14882  object",
        members=members("""
            iServerProtocolVersion integer
            iServerUMSecurityOption integer
            iServerTLSSecurityOption integer
            sServerAuthentication string
            optionalParams? AsnOptionalParameters
            stServerTime? date-time
        """),
        descriptions={
            "stServerTime": "Timestamp zum abgleich der Uhrzeit zwischen Client und Server. "
            "Ermöglicht z.B. korrekte Anzeige von Call-Duration bei abweichender Serverzeit.",
        },
    ),
    # L14618-14777: header "Valu/e", types "numb/er", values "10/0" ... "13/0" (111 and 113
    # whole), "eNETLOGININVALIDAUTHENTICATIONM/ETHOD", and the last entry only as ASN.1 text
    # "eNETLOGINACCOUNTPASSWORDLOCK/ED(129)," after the 130 row.
    case(
        "AsnLogonErrorEnum  Authentication  11.1.4  L14612  enumeration",
        values=values("""
            eNETLOGININTERNALSERVERERROR 100
            eNETLOGININVALUSERNAME 101
            eNETLOGININVALIDPASS 102
            eNETLOGINNOMOREUSERS 103
            eNETLOGININVALIDVERSION 104
            eNETLOGINNEGOTIATIONREQUIRED 105
            eNETLOGININVALIDAUTHENTICATIONMETHOD 106
            eNETLOGINUSERNOTENABLED 107
            eNETLOGININVALIDCOMPUTERNAME 108
            eNETLOGINDOMAINAUTHFAILED 109
            eNETLOGINMISSINGRIGHTS 110
            eNETLOGINMISSINGRIGHTSTS 111
            eNETLOGINSERVERNOTCOMPATIBLE 112
            eNETLOGINALREADYAUTHENTICATED 113
            eNETLOGINTLSREQUIRED 114
            eNETLOGINTOKENEXIRED 130
            eNETLOGINACCOUNTPASSWORDLOCKED 129
        """),
    ),
    case(
        "AsnUserTokenType  Authentication  11.1.5  L14779  enumeration",
        values=values("""
            eUserTokenExternal 0
            eUserTokenLogin 1
        """),
    ),
    # L15104-15124; "sAuthCredetials" is the document's (and the server's) spelling.
    case(
        "AsnLogonError  Authentication  11.1.15  L15100  object",
        members=members("""
            iErrorDetail integer
            u8sErrorString string
            sAuthCredetials string
            u8sFailedUser string
            optionalParams? AsnOptionalParameters
        """),
    ),
    case(
        "AsnGetUserTokenResult  Authentication  11.1.17  L15134  object",
        members=members("""
            sToken string
        """),
    ),
    # L15175: "u8seName" is the document's spelling.
    case(
        "AsnProfileAttribute  Authentication  11.1.20  L15167  object",
        members=members("""
            u8sServiceType string
            u8seName string
            u8sValue? string
        """),
    ),
    # L15273-15290: no optionalParams; the table runs into the chapter 12 heading.
    case(
        "AsnGetUserTokenArgument  Authentication  11.1.27  L15269  object",
        members=members("""
            iType? integer
            iTTL? integer
            lstServiceType? UTF8StringList
            lstProfileAttributes? AsnProfileAttributeList
        """),
    ),
    # --- AudioVideo (chapter 13) -----------------------------------------------------------
    case(
        "AsnAVMakeCallErrorEnum  AudioVideo  13.1.1  L16455  enumeration",
        values=values("""
            general 100
        """),
    ),
    # L16518-16562: "Optiona/l", "u8sAssociatedTextChatConversatio/nID",
    # "AsnOptionalParamete/rs".
    case(
        "AsnAVMakeCallArgument  AudioVideo  13.1.5  L16508  object",
        members=members("""
            callType integer
            u8sUriFrom string
            u8sUriTo string
            u8sContentType string
            u8sBody string
            newCallParams? AsnCtiNewCallParams
            u8sAssociatedTextChatConversationID? string
            u8sCaps? string
            optionalParams? AsnOptionalParameters
        """),
    ),
    # L17043-17081: "Option/al", "AsnAVCallOrConnect/ion", "iAvDropReas/on",
    # "optionalPara/ms", "AsnOptionalParamet/ers".
    case(
        "AsnAVDropCallArgument  AudioVideo  13.1.25  L17027  object",
        members=members("""
            dropTarget AsnAVCallOrConnection
            u8sCause string
            iAvDropReason integer
            optionalParams? AsnOptionalParameters
        """),
    ),
    # --- ChatV2 (chapter 17) ---------------------------------------------------------------
    # L19132-19136: page footer and page number between the intro and the table.
    case(
        "AsnChatResultEnum  ChatV2  17.1.1  L19126  enumeration",
        values=values("""
            noerror 0
            forbidden 1
            invalidconversationid 2
            invalidmessageid 3
            tomanymessages 4
            unknownrecipient 5
            databasefail 6
            invalidcrossrefid 7
            federationfail 8
            requestfail 9
        """),
    ),
    case(
        "AsnChatSubscribeEventsArgument  ChatV2  17.1.10  L19334  object",
        members=members("""
            bReceiveChatEvents boolean
            iLastKnownGlobTransactionID? integer
            iMaxEvents? integer
            iMaxChatEventsPerEvent? integer
            u8sEventListCrossRefID? string
            optionalParams? AsnOptionalParameters
        """),
    ),
    # Read here and in the operation chapter (L17935-17955), where a page footer and page
    # number sit inside the table.
    case(
        "AsnChatTextMessageResult  ChatV2  17.1.19  L19544  object",
        members=members("""
            iResult integer
            iConvSequenceID integer
            u8sConversationID string
            optionalParams? AsnOptionalParameters
        """),
    ),
    case(
        "AsnConversationIDChoice  ChatV2  17.1.27  L19707  choice",
        members=members("""
            u8sConversationID string
            u8sPartnerURI string
        """),
    ),
    # L20125-20188: "Optiona/l", "AsnConversationIDChoic/e", "iNumGreaterThanOrEqualSeqI/D"
    # as a name and twice inside comments. The operation chapter's copy (L18325-18419) has the
    # page footer and page number 407 inside the iSequenceID comment (L18362-18373).
    case(
        "AsnChatGetEventsRangeArgument  ChatV2  17.1.50  L20121  object",
        members=members("""
            asnConversationIDChoice AsnConversationIDChoice
            iSequenceID? integer
            iNumLessThanSeqID? integer
            iNumGreaterThanOrEqualSeqID? integer
            u8sEventListCrossRefID? string
            optionalParams? AsnOptionalParameters
        """),
        descriptions={
            "iSequenceID": "Startpunkt für den Range. Mit den Parametern iNumLessThanSeqID und "
            "iNumGreaterThanOrEqualSeqID kann bestimmt werden wieviele Events vor und nach der "
            "iSquenceID zurückgeliefert werden. Falls iSequenceID nicht angegeben wird, wird die "
            "höchste (neueste) SequenceID + 1 in der Conversation verwendet.",
            "iNumGreaterThanOrEqualSeqID": "maximale Anzahl der Events die NACH der iSequenceID "
            "liegen. Wird auf 0 gesetzt, falls nicht angegeben. Falls keine iSequenceID "
            "angegeben wurde, wird iNumGreaterThanOrEqualSeqID ignoriert.",
        },
    ),
    # L20318-20336: the iConvSequenceID comment continues on the iGlobTransactionID row, whose
    # own comment is only "globale Transaction ID". asnCreateTime is typed "string" and has no
    # st prefix.
    case(
        "AsnChatEvent  ChatV2  17.1.54  L20304  object",
        members=members("""
            u8sEventCrossRefID string
            u8sConversationID string
            iConvSequenceID integer
            iGlobTransactionID integer
            bUpdate boolean
            u8sSenderURI? string
            asnCreateTime? string
            asnChatMessage? AsnChatEventMessage
            asnChatConversation? AsnChatEventConversation
            iError? integer
            optionalParams? AsnOptionalParameters
        """),
        descriptions={
            "iConvSequenceID": "Index des Events innerhalb der zugehörigen Conversation. Ist "
            "iConvSequenceID = 0, so wird mit dem Event eine Änderung einer Conversation "
            "mitgeteilt, die aber nicht im zeitlichen Ablauf der Conversation sichtbar sein "
            "soll. z.B. update der iLastReadSequenceID einer Party im Multi User Chat",
            "iGlobTransactionID": "globale Transaction ID",
        },
    ),
    # --- ClientPersistence (chapter 21) ----------------------------------------------------
    case(
        "AsnClientPersistenceResultDetailsEnum  ClientPersistence  21.1.1  L22403  enumeration",
        values=values("""
            noerror 0
            itemstoreaccessdenied 1
            dataaccessdenied 2
            invalidsubscription 3
            invalidcrossrefid 4
            invalidkey 5
            invaliddata 6
            clientpersistenceoverload 7
            databasefail 8
            revisionoutdated 9
            clientpersistencedisabled 99
        """),
    ),
    case(
        "AsnClientPersistenceItem  ClientPersistence  21.1.3  L22453  object",
        members=members("""
            u8sItemStore string
            u8sItemStoreID string
            data string
            iRevision? integer
        """),
    ),
    case(
        "AsnClientPersistenceSubscribeArgument  ClientPersistence  21.1.12  L22564  object",
        members=members("""
            u8sCrossRefID string
            iSubscribeType integer
            u8sItemStore string
        """),
    ),
    # L22619-22648: the table runs into the chapter 22 heading.
    case(
        "AsnClientPersistenceEventArgument  ClientPersistence  21.1.17  L22613  object",
        members=members("""
            iResult integer
            u8sCrossRefID string
            iGlobalRevision? integer
            changedItems? AsnClientPersistenceItemList
            deletedItems? AsnClientPersistenceItemList
            u8sDatabaseID? string
        """),
    ),
    # --- Common (chapter 25) ---------------------------------------------------------------
    # L23715-23720: a Windows variant time double, "Als JSON Encoding wird ein ISO8601 String
    # verwendet".
    case("AsnSystemTime  Common  25.1.1  L23715  alias", alias_of="date-time"),
    # L23777-23781: binarydata is the OCTET STRING alternative, hence base64.
    case(
        "AsnOptionalParamChoice  Common  25.1.5  L23771  choice",
        members=members("""
            stringdata string
            binarydata base64
            integerdata integer
        """),
    ),
    # L23820: "UTF8StringList is an Array of string".
    case("UTF8StringList  Common  25.1.9  L23818  array", items="string"),
    case(
        "AsnOptionalParam  Common  25.1.10  L23822  object",
        members=members("""
            key string
            value AsnOptionalParamChoice
        """),
    ),
    # L23853: "an Array of AsnOptionalParam"; on the wire (protocol-notes.md section 4) one
    # object mapping each key to an integer, a string or {"binarydata": <base64>}.
    case(
        "AsnOptionalParameters  Common  25.1.12  L23848  array",
        value_alternatives=("integer", "string", "{binarydata: base64}"),
    ),
    case(
        "AsnRequestError  Common  25.1.20  L24127  object",
        members=members("""
            iErrorDetail integer
            u8sErrorString string
            optionalParams? AsnOptionalParameters
        """),
    ),
    # --- CTI (chapter 27) ------------------------------------------------------------------
    case(
        "AsnCtiNotifyLineAddRemoveArgumentEnum  CTI  27.1.1  L26949  enumeration",
        values=values("""
            added 0
            removed 1
        """),
    ),
    case(
        "AsnCtiEnumPhoneLinesArgumentEnum  CTI  27.1.2  L26961  enumeration",
        values=values("""
            userOwnLines 0
            userMonitorLines 1
            systemLocalLines 2
            systemGlobalLines 3
        """),
    ),
    # L27131-27216: header "Valu/e", types "numbe/r"; L27169-27170 interleaved
    # "eCTILINEFEATUREBLOCKID numbe 8 While ..." / " r be suppressed.";
    # "eCTILINEFEATUREREMOTEOFFICEEMULATIO/N".
    case(
        "EnumLineFeatures  CTI  27.1.5  L27120  enumeration",
        values=values("""
            eCTILINEFEATURENONE 0
            eCTILINEFEATUREMAKECALL 1
            eCTILINEFEATUREDONOTDISTURB 2
            eCTILINEFEATUREPICKUP 4
            eCTILINEFEATUREBLOCKID 8
            eCTILINEFEATURENOIMMEDIATEINQUIRY 16
            eCTILINEFEATUREREMOTEOFFICE 32
            eCTILINEFEATUREINVALIDPASSWORD 64
            eCTILINEFEATUREREMOTEOFFICEEMULATION 128
        """),
        descriptions={"eCTILINEFEATUREBLOCKID": 'While "MakeCall" the CALLERID can be suppressed.'},
    ),
    case(
        "AsnCtiLineMonitorStartArgument  CTI  27.1.22  L27620  object",
        members=members("""
            u8sLinePhoneNumber string
            optionalParams? AsnOptionalParameters
        """),
    ),
    # L27994-28016: iNumberFormat has no "yes" in the Optional column.
    case(
        "AsnCtiMakeCallArgument  CTI  27.1.46  L27979  object",
        members=members("""
            u8sPhoneNumberFrom string
            u8sPhoneNumberTo string
            iNumberFormat integer
            newCallParams? AsnCtiNewCallParams
            optionalParams? AsnOptionalParameters
        """),
    ),
    # L28191-28209: the iNumberFormat comment has lines that start with a word followed by
    # "number" ("the number (set prefix ...", "Hint: If you are not sure, the number"); they
    # are comment text, not rows.
    case(
        "AsnCtiRedirectCallArgument  CTI  27.1.57  L28169  object",
        members=members("""
            u8sContactID string
            u8sConnectionID string
            u8sPhoneNumber string
            iNumberFormat integer
            optionalParams? AsnOptionalParameters
        """),
        descriptions={
            "iNumberFormat": "The u8sPhoneNumber is the number to redirect to and normally the "
            "server would reformat the number into a dialable form. This behavior can be "
            "altered: 0: Server should not format the number for redirecting, it shall use it "
            "like it is. Other values: Server should format the number (set prefix and area "
            "code etc.). Hint: If you are not sure, the number should always be formatted "
            "(-> use '1') (Linked Type: AsnETAPIDialNumberFormat)",
        },
    ),
    # L28248-28266: as in 27.1.57.
    case(
        "AsnCtiPickupCallArgument  CTI  27.1.59  L28226  object",
        members=members("""
            u8sContactID string
            u8sConnectionID string
            u8sPhoneNumber string
            iNumberFormat integer
            optionalParams? AsnOptionalParameters
        """),
        descriptions={
            "iNumberFormat": "The u8sPhoneNumber is the number to pickup to and normally the "
            "server would reformat the number into a dialable form. This behavior can be "
            "altered: 0: Server should not format the number for pickup, it shall use it like "
            "it is. Other values: Server should format the number (set prefix and area code "
            "etc.). Hint: If you are not sure, the number should always be formatted "
            "(-> use '1') (Linked Type: AsnETAPIDialNumberFormat)",
        },
    ),
    # L28909-29106: utc... members are typed "string" (no st prefix); L29057-29059 the
    # pu8sHoldNumberSC comment ends in a line "its number", which is not a row.
    case(
        "AsnCtiCallInformation  CTI  27.1.92  L28901  object",
        members=members("""
            u8sLinePhoneNumber string
            u8sConnectionID string
            iCallState integer
            iCallType integer
            iDisconnectedReason integer
            iFeatures integer
            bOutbound boolean
            bInternal boolean
            bCallerIDBlocked boolean
            iCallRecordingState integer
            bConferenceCtlr boolean
            u8sConferenceCtlrID string
            u8sLocalNumberSC string
            u8sRemoteNumberSC string
            iRemoteContactSource integer
            projectPinRule AsnProjectPinRule
            u8sNote string
            u8sTrackerID string
            utcCallCreated string
            utcCallConnected string
            utcCallDisconnected string
            bIsUnknownHoldContact boolean
            pLocalContact? AsnNetDatabaseContact
            pRemoteContact? AsnNetDatabaseContact
            pu8sHoldNumberSC? string
            pHoldContact? AsnNetDatabaseContact
            pu8sRedirectingNumber? string
            pRedirectingContact? AsnNetDatabaseContact
            optionalParams? AsnOptionalParameters
            callDataList? AsnCtiCallDataList
        """),
        descriptions={"pu8sHoldNumberSC": "If there is a call on hold, this contains its number"},
    ),
    case(
        "AsnCtiEnumPhoneLinesArgument  CTI  27.1.94  L29317  object",
        members=members("""
            typeofLines AsnCtiEnumPhoneLinesArgumentEnum
            attachChangeNotify integer
            optionalParams? AsnOptionalParameters
        """),
    ),
    case(
        "AsnCtiLineMonitorStartResult  CTI  27.1.97  L29383  object",
        members=members("""
            u8sMonitorCrossRefID string
            lineInfo AsnCtiLineInfo
            seqCalls AsnCtiCallInformationList
            iDoNotDisturb integer
            seqLineForwards AsnLineForwards
            remoteOfficeState AsnRemoteOfficeState
            optionalParams? AsnOptionalParameters
        """),
    ),
    # L29474-29501: "Option/al", "u8sLineMonitorCrossRef/ID", "asnCtiLineMonitorSta/rt." in the
    # comment, "AsnCtiNotifyLineAddRemoveArgumentE  Line was added (0) or" / " num removed (1).".
    # The operation chapter's copy (26.2.7, L26263-26305) has the same damage.
    case(
        "AsnCtiNotifyLineAddRemoveArgument  CTI  27.1.100  L29468  object",
        members=members("""
            u8sLineMonitorCrossRefID string
            u8sLinePhoneNumber string
            addremove AsnCtiNotifyLineAddRemoveArgumentEnum
            lineInfo AsnCtiLineInfo
            optionalParams? AsnOptionalParameters
        """),
        descriptions={
            "u8sLineMonitorCrossRefID": "CrossRefID the client got from the corresponding "
            "asnCtiLineMonitorStart.",
            "addremove": "Line was added (0) or removed (1).",
        },
    ),
    # --- Journal (chapter 29) --------------------------------------------------------------
    # L30405-30509: header "Val/ue", types "num/ber", "eJOURNALCALLTYPEBLUETOOTHMOBIL/E",
    # "eJOURNALCALLTYPEBLUETOOTHMOBIL/EUNKNOWNDURATION", value "1/0".
    case(
        "AsnNetDatabaseJournalCallType  Journal  29.1.1  L30402  enumeration",
        values=values("""
            eJOURNALCALLTYPEPBX 0
            eJOURNALCALLTYPEVIDEOCHAT 1
            eJOURNALCALLTYPEAUDIOCHAT 2
            eJOURNALCALLTYPEAUDIOVIDEOCHAT 3
            eJOURNALCALLTYPEIM 4
            eJOURNALCALLTYPEBLUETOOTHMOBILE 5
            eJOURNALCALLTYPEBLUETOOTHMOBILEUNKNOWNDURATION 6
            eJOURNALCALLTYPESIPAVCALL 7
            eJOURNALCALLTYPESMS 8
            eJOURNALCALLTYPESCREENSHARING 9
            eJOURNALCALLTYPERSCREENSHARING 10
        """),
    ),
    case(
        "AsnJournalSubscribeEventsArgument  Journal  29.1.20  L30786  object",
        members=members("""
            bReceiveJournalEvents boolean
            iLastKnownGlobTransactionID? integer
            iMaxEntries? integer
            iFlags? integer
            optionalParams? AsnOptionalParameters
        """),
    ),
    # L30912-30920: the only row, then a page footer and page number 650.
    case(
        "AsnMarkAllJournalEntriesAsReadArgument  Journal  29.1.25  L30906  object",
        members=members("""
            optionalParams? AsnOptionalParameters
        """),
    ),
    # --- Management (chapter 35) -----------------------------------------------------------
    # L42553-42688: "Option/al", types "numbe/r" and "boolea/n" split off their names,
    # "iDeleteInternalJournalEntriesAfterD/ays", "iAnsweredRedirectedCallJournalOpt/ion",
    # "bAutoMarkReadGroupCallsOnCallba/ck".
    case(
        "AsnMgmtPhoneJournalSettings  Management  35.1.187  L42549  object",
        members=members("""
            iPrivateCallOptions integer
            iUseOfflineJournal integer
            iOfflineDeleteOldEntries integer
            iOfflineDaysNoDelete integer
            bDeleteInternalJournalEntries boolean
            iDeleteInternalJournalEntriesAfterDays integer
            bDeleteExternalJournalEntries boolean
            iDeleteExternalJournalEntriesAfterDays integer
            bDeleteNoteJournalEntries boolean
            iDeleteNoteJournalEntriesAfterDays integer
            iUnansweredCallJournalOption integer
            iAnsweredRedirectedCallJournalOption integer
            bAutoMarkReadGroupCallsOnCallback boolean
            iHandlingMode integer
            iArchiveJournalEntriesAfterDays integer
        """),
    ),
    # L44132-44873: "Opti/onal" and some 30 member or type names cut in two, among them
    # L44374-44375 "bAllowNumberSearchOtherL boolean  Rufnummernauflösung" / " ocations über
    # die Suche" (interleaved) and L44734-44736 "numberFormatRegExpressLin/ePhoneNumbers".
    # (Rows indented less than elsewhere so that the longest fits in 100 columns.)
    case(
        "AsnLocationInformationMgmt  Management  35.1.261  L44128  object",
        members=members("""
        u8sLocationCheckSum string
        iCountryID integer
        u8sCountryCode string
        u8sLocalPrefix string
        u8sNationalPrefix string
        u8sInternationalPrefix string
        u8sLocalDialingRule string
        u8sNationalDialingRule string
        u8sInternationalDialingRule string
        u8sLocalDialingRuleHomePNALocal string
        u8sLocalDialingRuleHomePNAToll string
        u8sLocalDialingRuleForeignPNALocal string
        iLanguage integer
        u8sCityCodeNoPrefix string
        bNoLocalDialing boolean
        u8sVanityNumbers string
        bUseVanity boolean
        iRemoteTapiNumberFormat integer
        iRemoteTapiDialFormat integer
        iRemoteTapiLineNames integer
        iDialingNumberFormat integer
        bFixedNumberLenExtensionDTMFDialing boolean
        bMobileDeviceLocation boolean
        bShowExtendedSettings boolean
        bMultiLocationSupport boolean
        bAutoCreateOtherLocationRules boolean
        bAllowNumberSearchOtherLocations boolean
        bShortenOtherLocationSCNumbersForDialing boolean
        bUseTkSystem boolean
        u8sTKAnschlussNr string
        u8sDDIRangeBegin string
        u8sDDIRangeEnd string
        u8sTKLocalAccessCode string
        u8sTKLongDistanceAccessCode string
        u8sTKInternationalAccessCode string
        u8sTKPrivateAccessCode string
        u8sTKForwardingAccessCode string
        iTKMinLenInternalNumbers integer
        iTKMaxLenInternalNumbers integer
        u8slistTKAkzListRemoveIn UTF8StringList
        u8slistTKAkzListRemoveOut UTF8StringList
        u8slistTKAkzListRemoveForwarding UTF8StringList
        iConnectedIDDealing integer
        u8slistTKAkzListRemoveConnectedIDIn UTF8StringList
        u8slistTKAkzListRemoveConnectedIDOut UTF8StringList
        numberFormatInternal AsnNumberFormatRegExpressionsMgmt
        numberFormatExternal AsnNumberFormatRegExpressionsMgmt
        numberFormatAutomaticOtherLocationsDDItoSC AsnNumberFormatRegExpressionsMgmt
        numberFormatAutomaticOtherLocationsSCtoDDI AsnNumberFormatRegExpressionsMgmt
        numberFormatRegExpressListIn AsnNumberFormatRegExpressionsMgmt
        numberFormatRegExpressListOut AsnNumberFormatRegExpressionsMgmt
        numberFormatRegExpressListDial AsnNumberFormatRegExpressionsMgmt
        numberFormatRegExpressListFinalDial AsnNumberFormatRegExpressionsMgmt
        numberFormatRegExpressLinePhoneNumbers AsnNumberFormatRegExpressionsMgmt
        u8sLocationID string
        iLocalDialingRuleHomePNAFlag integer
        u8slistLocalDialingRulesHomePNALocalCalls UTF8StringList
        u8slistLocalDialingRulesHomePNATollCalls UTF8StringList
        iLocalDialingRuleForeignPNAFlag integer
        localDialingRuleForeignPNALocalCallItemList AsnELocalDialingRuleForeignPNALocalCallItemList
        bUseAdvancedLCR boolean
        lCRProviderVector AsnELCRProviderList
        lCRZoneList AsnELCRZoneList
        projectPINRules AsnProjectPinRuleList
        optionalParams? AsnOptionalParameters
        """),
    ),
    # L45801-45828: "Optiona/l", "listPushDevice/s", "AsnMgmtPushServiceDevicePropsL/ist",
    # "AsnMgmtGetPushServiceDevicesRes/ult." in a comment, and L45825-45826 interleaved
    # "bLastSegmen boolean  last Segment for this u8sCrossRefID," / " t TRUE, wenn ...".
    case(
        "AsnMgmtPushServiceDevicesResultArgument  Management  35.1.299  L45797  object",
        members=members("""
            listPushDevices AsnMgmtPushServiceDevicePropsList
            u8sCrossRefID string
            bLastSegment boolean
        """),
        descriptions={
            "u8sCrossRefID": "CrossrefID from AsnMgmtGetPushServiceDevicesResult.",
            "bLastSegment": "last Segment for this u8sCrossRefID, TRUE, wenn dieses Segment das "
            "Ende der Liste ist.",
        },
    ),
    # --- PresenceV2 (chapter 37) -----------------------------------------------------------
    # L46700-46888: types "numbe/r"; "ePresenceSubscriptionDynamicGroupRightsUpdat/e";
    # L46853-46856 interleaved "ePresenceSubscriptionDynamicGlobalRightsUpdat numbe 8192 ..." /
    # " e r Berechtigungen etwas"; L46870-46872 value "1638/4".
    case(
        "AsnPresenceSubscriptionFlags  PresenceV2  37.1.2  L46684  enumeration",
        values=values("""
            ePresenceSubscriptionPresence 1
            ePresenceSubscriptionData 2
            ePresenceSubscriptionDataIncludeImage 4
            ePresenceSubscriptionConfiguration 8
            ePresenceSubscriptionAbsentstate 16
            ePresenceSubscriptionNote 32
            ePresenceSubscriptionAppointment 64
            ePresenceSubscriptionPhoneLines 128
            ePresenceSubscriptionPhoneCalls 256
            ePresenceSubscriptionPhoneForwards 512
            ePresenceSubscriptionMyChallengeUpdates 1024
            ePresenceSubscriptionDynamicRightsUpdate 2048
            ePresenceSubscriptionDynamicGroupRightsUpdate 4096
            ePresenceSubscriptionDynamicGlobalRightsUpdate 8192
            ePresenceSubscriptionContactCapabilities 16384
        """),
        descriptions={
            "ePresenceSubscriptionDynamicGlobalRightsUpdate": "Möchte Update-Events wenn jemand "
            "an den globalen Berechtigungen etwas geändert hat = 0x00002000, // Rights werden "
            "aber nur an den eigenen Kontakt verschickt",
        },
    ),
    case(
        "AsnGetAndSubscribePresenceArgument  PresenceV2  37.1.12  L47101  object",
        members=members("""
            seqContactIDs UTF8StringList
            iEventFlagsToSubscribe? integer
            iContactDetailsReturnFilter? integer
            bOpenOnlyInternalContacts? boolean
            bDontRequestPermissions? boolean
            optionalParams? AsnOptionalParameters
        """),
    ),
    # --- Tasks (chapter 43) ----------------------------------------------------------------
    case(
        "AsnTaskState  Tasks  43.1.1  L48811  enumeration",
        values=values("""
            notstarted 0
            inprogress 1
            waitingforothers 2
            deferred 3
            done 4
        """),
    ),
    case(
        "AsnNetDatabaseTaskFindOptions  Tasks  43.1.20  L49096  object",
        members=members("""
            bsFlags AsnNetDatabaseTaskFindFlags
            iMaxNumEntries integer
            stUTCStartDateFrom date-time
            stUTCStartDateTo date-time
            u8slistOwnerNames UTF8StringList
            optionalParams? AsnOptionalParameters
        """),
    ),
    case(
        "AsnTaskSetEntriesStateArgument  Tasks  43.1.26  L49168  object",
        members=members("""
            eState AsnTaskState
            u8slistTaskIDs UTF8StringList
            optionalParams? AsnOptionalParameters
        """),
    ),
    # --- Transport (chapter 45) ------------------------------------------------------------
    case(
        "AsnTokenVerifyArgument  Transport  45.1.18  L49840  object",
        members=members("""
            sToken string
        """),
    ),
    # L49854: stValidTo is typed "string", "Gültig bis: AsnSystemTime".
    case(
        "AsnTokenVerifyResult  Transport  45.1.19  L49848  object",
        members=members("""
            stValidTo date-time
            iType integer
            u8sDNPath string
            u8sUserName string
            u8sSIPURI string
            u8sobjectGUID string
            u8sPhoneNumber string
            u8sPhoneSecondary string
            u8sCallRecordingNumber string
            u8sMailboxNumber string
            u8sHomeServer string
            iUserStaticRights integer
            asnUserContact AsnNetDatabaseContact
            asnUserPropertyBag AsnUserPropertyBag
        """),
    ),
    case(
        "AsnCheckConnectionResult  Transport  45.1.21  L49891  object",
        members=members("""
            u8sServerVersion string
            u8sProductVersion string
            iProtocolVersion integer
            iOEMID integer
            u8sCookie string
        """),
    ),
    # L49946: "AsnWebIceServerList is an Array of AsnWebIceServer".
    case(
        "AsnWebIceServerList  Transport  45.1.26  L49944  array",
        items="AsnWebIceServer",
    ),
    # --- UMReplicator (chapter 47) ---------------------------------------------------------
    case(
        "AsnUMReplicatorBlockTransferUsersArgumentEnum  UMReplicator  47.1.3  L51077  enumeration",
        values=values("""
            fullsync 0
            incremental 1
        """),
    ),
    # L52341-52385: "Optio/nal", "enuOperationmod/e", "AsnUMReplicatorStartTransactionAr/
    # gumentEnum", "u8sSourceComput/erName".
    case(
        "AsnUMReplicatorStartTransactionArgument  UMReplicator  47.1.63  L52335  object",
        members=members("""
            enuOperationmode AsnUMReplicatorStartTransactionArgumentEnum
            iSourceType integer
            u8sSourceComputerName string
            optionalParams? AsnOptionalParameters
        """),
    ),
    # L52426-52501: "Optio/nal", "AsnUMReplicatorBlockTransferUsers/ArgumentEnum",
    # L52462-52464 "u8sSourceCompute/rName" (the second half looks like an r-prefixed name of
    # its own), "sequ8sObjectUIDsT/oDelete", "userProfileListToTr/ansfer".
    case(
        "AsnUMReplicatorBlockTransferUsersArgument  UMReplicator  47.1.65  L52417  object",
        members=members("""
            enuOperationmode AsnUMReplicatorBlockTransferUsersArgumentEnum
            iSourceType integer
            u8sSourceComputerName string
            sequ8sObjectUIDsToDelete? UTF8StringList
            userProfileListToTransfer? AsnUserReplicateList
            userDefaultProfile? AsnUserReplicate
            optionalParams? AsnOptionalParameters
        """),
        descriptions={"u8sSourceComputerName": "Rechner von dem die Datenbank kommt"},
    ),
    # --- WebServiceConnection (chapter 49) -------------------------------------------------
    case(
        "AsnRegisterServerErrorEnum  WebServiceConnection  49.1.1  L53015  enumeration",
        values=values("""
            general 0
            invalidProtocolVersion 1
            invalidServerID 2
            invalidLogin 3
            redirect 4
            duplicateLogon 5
        """),
    ),
    case(
        "AsnRegisterServerArgument  WebServiceConnection  49.1.3  L53046  object",
        members=members("""
            iVersion integer
            u8sVersion string
            u8sServerName string
            u8sServerID string
            u8sServerPassword string
            presenceDomains UTF8StringList
            u8sSystemID string
        """),
    ),
    case(
        "AsnWebServiceLogonArgument  WebServiceConnection  49.1.10  L53140  object",
        members=members("""
            iVersion integer
            u8sVersion string
            u8sUser string
            u8sPassword string
            capabilities AsnWebServiceCapabilitiesList
        """),
    ),
]


# --- reading the generated files ---------------------------------------------------------


@cache
def load(name: str) -> dict[str, Any]:
    with (TYPES_DIR / f"{name}.json").open(encoding="utf-8") as handle:
        schema: dict[str, Any] = json.load(handle)
    return schema


def json_type(schema: dict[str, Any]) -> str:
    """Write a member (or items, or alias) schema the way the tables above do."""
    if "$ref" in schema:
        return str(schema["$ref"]).removesuffix(".json")
    if schema.get("format") == "date-time":
        return "date-time"
    if schema.get("contentEncoding") == "base64":
        return "base64"
    if schema.get("type") == "object" and "properties" in schema:
        required = schema.get("required", [])
        inner = ", ".join(
            f"{key}{'' if key in required else '?'}: {json_type(sub)}"
            for key, sub in schema["properties"].items()
        )
        return f"{{{inner}}}"
    kind = schema.get("type")
    return "|".join(kind) if isinstance(kind, list) else str(kind)


def descriptions(schema: dict[str, Any], names: Iterable[str]) -> dict[str, str]:
    """The comments of the members or enum values ``names`` that exist, whitespace collapsed."""
    described = {value.get("title"): value for value in schema.get("anyOf", [])}
    described.update(schema.get("properties", {}))
    return {
        name: " ".join(described[name].get("description", "").split())
        for name in names
        if name in described
    }


def expected_view(case: TypeCase) -> dict[str, Any]:
    view: dict[str, Any] = {
        "x-asn": {
            "module": case.module,
            "section": case.section,
            "line": case.line,
            "kind": case.kind,
        },
        "descriptions": {name: " ".join(text.split()) for name, text in case.descriptions.items()},
    }
    if case.kind in ("object", "choice"):
        view["type"] = "object"
        view["_type"] = case.name
        view["members"] = {member.name: member.type for member in case.members}
    if case.kind == "object":
        view["required"] = [member.name for member in case.members if not member.optional]
    elif case.kind == "choice":
        view["required"] = []
        view["oneOf"] = [[member.name] for member in case.members]
    elif case.kind == "enumeration":
        view["type"] = "integer"
        view["values"] = list(case.values)
    elif case.value_alternatives:
        view["type"] = "object"
        view["value alternatives"] = list(case.value_alternatives)
    elif case.kind == "array":
        view["type"] = "array"
        view["items"] = case.items
    elif case.kind == "alias":
        view["alias of"] = case.alias_of
    return view


def generated_view(case: TypeCase) -> dict[str, Any]:
    """The same view of the generated file, built only from what ``expected_view`` asks."""
    schema = load(case.name)
    asn = schema.get("x-asn", {})
    view: dict[str, Any] = {
        "x-asn": {key: asn.get(key) for key in ("module", "section", "line", "kind")},
        "descriptions": descriptions(schema, case.descriptions),
    }
    properties = dict(schema.get("properties", {}))
    if case.kind in ("object", "choice"):
        view["type"] = schema.get("type")
        view["_type"] = properties.pop("_type", {}).get("x-names", [None])[0]
        view["members"] = {name: json_type(member) for name, member in properties.items()}
    if case.kind == "object":
        view["required"] = schema.get("required", [])
    elif case.kind == "choice":
        view["required"] = schema.get("required", [])
        view["oneOf"] = [branch.get("required") for branch in schema.get("oneOf", [])]
    elif case.kind == "enumeration":
        view["type"] = schema.get("type")
        view["values"] = [
            (value.get("title"), value.get("const")) for value in schema.get("anyOf", [])
        ]
    elif case.value_alternatives:
        object_form = schema["anyOf"][0]  # [1] is the document's array form
        view["type"] = object_form.get("type")
        alternatives = object_form.get("additionalProperties", {}).get("anyOf", [])
        view["value alternatives"] = [json_type(alternative) for alternative in alternatives]
    elif case.kind == "array":
        view["type"] = schema.get("type")
        view["items"] = json_type(schema.get("items", {}))
    elif case.kind == "alias":
        view["alias of"] = json_type(schema)
    return view


def differences(generated: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    """One line per difference, naming the member or value concerned."""
    found = []
    for key, want in expected.items():
        got = generated.get(key)
        if got == want:
            continue
        if key == "required" and isinstance(got, list) and set(got) != set(want):
            extra, missing = sorted(set(got) - set(want)), sorted(set(want) - set(got))
            found.append(f"required: generated also {extra}, document also {missing}")
            continue
        if not (isinstance(want, dict) and isinstance(got, dict)):
            found.append(f"{key}: generated {got!r}, document {want!r}")
            continue
        for name in sorted(want.keys() | got.keys()):
            if name not in got:
                found.append(f"{key}: {name!r} is missing (document: {want[name]!r})")
            elif name not in want:
                found.append(f"{key}: {name!r} is not in the document (generated: {got[name]!r})")
            elif got[name] != want[name]:
                found.append(f"{key}[{name!r}]: generated {got[name]!r}, document {want[name]!r}")
    return found


# --- the tests -----------------------------------------------------------------------------


@pytest.mark.parametrize("case", [pytest.param(case, id=case.name) for case in CASES])
def test_generated_schema_matches_the_document(case: TypeCase) -> None:
    found = differences(generated_view(case), expected_view(case))
    assert not found, f"{case.name} (document line {case.line}):\n" + "\n".join(found)


def test_the_table_is_broad_enough() -> None:
    names = [case.name for case in CASES]
    assert len(names) == len(set(names))
    assert len(CASES) >= 45
    assert len({case.module for case in CASES}) >= 14


# Double-encoded UTF-8 starts with these: "Ã¼" is ü, "Â§" is §, "â€" opens quotes and dashes.
MOJIBAKE = ("Ã", "Â", "â€")
FOOTER = "UCServer WebService Protocol"


def damage(text: str) -> list[str]:
    return [marker for marker in (*MOJIBAKE, FOOTER) if marker in text]


def test_member_and_value_descriptions_are_free_of_mojibake_and_page_footers() -> None:
    """A sweep over every file in schemas/types, not hand-checked."""
    damaged = []
    for path in sorted(TYPES_DIR.glob("*.json")):
        schema = load(path.stem)
        texts = [(name, sub) for name, sub in schema.get("properties", {}).items()]
        texts += [(value.get("title"), value) for value in schema.get("anyOf", [])]
        for name, sub in texts:
            found = damage(sub.get("description", ""))
            if found:
                damaged.append(f"{path.stem}.{name}: {found} in {sub['description'][:80]!r}")
    assert damaged == []


def test_type_descriptions_are_free_of_mojibake_and_page_footers() -> None:
    """The same sweep over the description of each type itself."""
    damaged = []
    for path in sorted(TYPES_DIR.glob("*.json")):
        text = load(path.stem).get("description", "")
        found = damage(text)
        if found:
            index = min(text.index(marker) for marker in found)
            damaged.append(f"{path.stem}: {found} in {text[max(0, index - 40) : index + 40]!r}")
    assert damaged == []
