# CertBridge — 한국어 메시지.
#
# 여기의 모든 id는 ../en/certbridge.ftl에도 같은 변수로 있어야 합니다(테스트가
# 확인합니다). 문체는 "-해 주세요", 용어는 공동인증서·인증번호로 통일합니다.
# 변수 뒤에 조사를 붙이지 않도록 문장을 씁니다(이름에 따라 은/는이 달라지므로).

## 날짜, 시각, 경로

date-time = { $year }년 { $month }월 { $day }일 { $ampm ->
        [pm] 오후
       *[am] 오전
    } { $hour }:{ $minute }
date = { $year }년 { $month }월 { $day }일
time-unknown = 알 수 없는 시각
path-lan = 같은 네트워크, { $address }
path-relay = 중계 서버 { $url } 경유, 종단간 암호화
device-phone = 휴대폰
device-computer = 상대 PC

## 코드 보여 주기 (PC)

invite-direction-send = 이 PC의 공동인증서를 휴대폰으로 복사합니다.
invite-direction-receive = 휴대폰의 공동인증서를 이 PC로 복사합니다.
invite-scan = 휴대폰의 CertBridge 앱으로 이 QR 코드를 스캔해 주세요.
invite-text-intro = 다른 PC에서는 이 코드를 “certbridge scan”에 붙여 넣어 주세요:
invite-scan-or-type = 휴대폰의 CertBridge 앱으로 이 QR 코드를 스캔하거나 아래 코드를 입력해 주세요.
invite-code-until = 코드 { $code } · { $until }까지 유효합니다.
invite-code-renewed = 이전 코드로 연결하지 못해 새 코드를 만들었습니다: { $code }
code-spoken = 코드: { $spoken }
invite-valid-until = 코드는 { $until }까지 유효합니다.
invite-renewed = 코드의 유효 시간이 지나 새 코드를 만들었습니다.
waiting-for-phone = 휴대폰의 연결을 기다리는 중입니다…
qr-written = QR 코드를 파일로도 저장했습니다: { $path }

## 연결

connecting = PC에 연결하는 중입니다…
connected = “{ $peer }”에 연결되었습니다 ({ $path }).

## 인증번호

number-show = 인증번호: { $number }
number-type-it = 코드를 띄운 PC에 이 인증번호를 입력해 주세요.
number-never-share = 은행 직원을 포함해 누구도 이 인증번호를 묻지 않습니다. 알려 주지 마세요.
enter-number = { $device ->
        [phone] 휴대폰에
       *[computer] 상대 PC에
    } 표시된 인증번호 6자리를 입력해 주세요:
number-wrong = 인증번호가 맞지 않습니다. { $left }번 더 입력할 수 있습니다.
number-malformed = 인증번호 6자리를 숫자로 입력해 주세요.

## 보내기 동의 (PC가 받을 때 보내는 쪽)

consent-intro = “{ $peer }”({ $path })에서 공동인증서 { $count }개를 요청합니다:
consent-item = • { $name }
consent-question = “{ $peer }” 기기가 본인의 PC일 때만 보내 주세요. 보낼까요? [y/N]
cancel-hint = 취소하려면 Ctrl-C를 눌러 주세요.

## 옮기는 중

sending = 공동인증서 { $count }개를 보내는 중입니다 ({ $bytes }바이트)…
received-installing = 공동인증서 { $count }개를 받았습니다. 설치하는 중입니다…
waiting-for-receipt = 상대 기기에서 공동인증서 { $count }개를 저장하기를 기다리는 중입니다…
waiting-for-bundle = 인증번호가 확인되었습니다. 공동인증서를 기다리는 중입니다…

## 결과

result-sent-installed = ✔ “{ $peer }”에 설치되었습니다: { $name }
result-sent-duplicate = ✔ “{ $peer }”에 이미 있어 그대로 두었습니다: { $name }
result-sent-rejected = ✘ “{ $peer }”에 설치되지 않았습니다: { $name }. { $reason }
result-installed = ✔ 설치했습니다: { $name } ({ $folder })
result-replaced = ✔ 설치했습니다: { $name } ({ $folder }). 원래 있던 공동인증서는 { $backup }에 보관했습니다.
result-duplicate = ✔ 이미 설치되어 있어 그대로 두었습니다: { $name } ({ $folder })
result-rejected = ✘ 설치하지 못했습니다: { $name }. { $reason }
done = 완료되었습니다.
some-rejected = 공동인증서 { $total }개 중 { $rejected }개를 설치하지 못했습니다.

## 옮기기 (--move): 받은 쪽이 확인하면 이 PC의 사본을 지웁니다

move-notice = 옮기기: 상대 기기가 그대로 받았다고 확인하면 이 PC에서 지웁니다.
result-removed-here = ✔ 이 PC에서 지웠습니다: { $name }
result-not-removed = 이 PC에서 지우지 못했습니다: { $name }. 직접 지워 주세요.
err-not-removed = 공동인증서는 옮겨졌지만 { $count }개를 이 PC에서 지우지 못했습니다. 직접 지워 주세요.

## 받는 쪽이 공동인증서를 거절한 이유 (보내는 쪽에 표시)

reject-conflict-remote = 상대 기기에 이름이 같은 다른 공동인증서가 이미 있습니다. 바꾸려면 상대 기기에서 --replace를 붙여 다시 받거나(기존 인증서는 백업됩니다), 상대 기기에서 기존 인증서를 먼저 지워 주세요.
reject-conflict-local = 이름이 같은 다른 공동인증서가 이미 있습니다: { $folder }. 바꾸려면 --replace를 붙여 다시 받아 주세요(기존 인증서는 백업됩니다).
reject-invalid = 올바른 공동인증서 파일이 아닙니다.
reject-unsupported = 상대 기기에서 이 종류의 인증서를 설치할 수 없습니다. 상대 기기의 CertBridge를 업데이트해 주세요.
reject-other = 상대 기기의 메시지: “{ $reason }”

## 전송이 실패한 이유

err-invite-expired = 이 코드는 유효 시간이 지났습니다. PC에 새 코드를 띄운 뒤 다시 스캔해 주세요.
err-invite-damaged = 코드가 잘못 복사되었습니다. 코드 전체를 다시 복사하거나 QR 코드를 스캔해 주세요.
err-invite-not-certbridge = CertBridge 코드가 아닙니다. CertBridge 코드는 CERTBRIDGE:/로 시작합니다.
err-invite-version = 다른 버전의 CertBridge에서 만든 코드입니다. 두 기기의 CertBridge를 모두 업데이트해 주세요.
err-invite-old-format = 이전 버전의 CertBridge에서 만든 코드입니다. 코드를 띄운 PC의 CertBridge를 업데이트한 뒤 새 코드를 만들어 주세요.
err-no-one-came = 코드의 유효 시간이 지날 때까지 연결한 기기가 없습니다. 다시 시작해 새 코드를 받아 주세요.
err-nothing-to-send = 보낼 공동인증서가 없습니다.
err-no-address = 이 PC가 네트워크에 연결되어 있지 않습니다. Wi-Fi나 유선 네트워크에 연결하거나 --relay로 중계 서버를 지정해 주세요.
err-listen = 이 PC의 { $address } 주소로는 연결을 받을 수 없습니다. --listen으로 다른 주소를 지정해 주세요.
err-no-path = 연결할 방법이 없습니다. --no-lan을 쓸 때는 --relay로 중계 서버를 지정해 주세요.
err-relay-unreachable = 중계 서버 { $url }에 연결할 수 없습니다. 주소와 이 PC의 인터넷 연결을 확인해 주세요.
err-relay-insecure = 중계 서버 { $url } 주소는 자체 암호화가 없고(ws://) 이 PC나 사설 네트워크에 있지 않습니다. wss:// 주소를 쓰거나 --allow-insecure-relay를 붙여 주세요.
err-too-many-items = 공동인증서 { $count }개는 한 번에 보낼 수 있는 수({ $max }개)보다 많습니다. 여러 번에 나눠 보내 주세요.
err-unreachable = PC에 연결할 수 없습니다. 두 기기가 같은 Wi-Fi에 연결되어 있는지 확인해 주세요.
err-wrong-code = 코드가 맞지 않습니다. PC에 새로 표시된 코드를 입력해 주세요.
err-no-desktop-for-code = 이 코드를 띄운 PC를 찾지 못했습니다. 코드를 확인하고, 두 기기가 같은 Wi-Fi에 있는지(또는 --relay로 같은 중계 서버를 쓰는지) 확인해 주세요.
err-code-malformed = 코드는 123-456-789처럼 숫자 9~12자리입니다.
err-refused = PC가 연결을 거절했습니다. 이 코드는 이미 다른 기기가 사용했습니다. PC에 새 코드를 띄운 뒤 다시 스캔해 주세요.
err-handshake = 보안 연결을 만들지 못했습니다. 코드를 다시 스캔해 주세요.
err-code-mismatch = 인증번호를 3번 잘못 입력해 전송을 멈췄습니다. 아무것도 보내지 않았습니다. 처음부터 다시 시작해 주세요.
err-peer-cancelled = 상대 기기에서 전송을 취소했습니다.
err-peer-code-mismatch = 상대 PC에서 인증번호를 3번 잘못 입력해 전송이 멈췄습니다. 아무것도 보내지 않았습니다.
err-peer-declined = 상대 기기에서 보내지 않기로 했습니다.
err-peer-timeout = 상대 기기가 기다리다 전송을 멈췄습니다.
err-peer-save-failed = 상대 기기에서 공동인증서를 저장하지 못했습니다.
err-peer-protocol = 상대 기기에서 전송 중 오류를 알려 왔습니다. 두 기기의 CertBridge를 모두 업데이트해 주세요.
err-peer-other = 상대 기기에서 전송을 멈췄습니다: “{ $reason }”
err-declined = 보내지 않기로 했습니다. 아무것도 보내지 않았습니다.
err-cancelled = 전송을 취소했습니다.
err-disconnected = 상대 기기와의 연결이 끊겼습니다. 이번 전송으로는 아무것도 설치되지 않았습니다.
err-disconnected-after-sending = 공동인증서를 보낸 뒤 상대 기기와의 연결이 끊겼습니다. 상대 기기에 설치되었는지 확인해 주세요.
err-tampered = 연결이 변조되어 전송을 멈췄습니다. 아무것도 설치하지 않았습니다.
err-protocol = 상대 기기가 이 버전에서 이해할 수 없는 데이터를 보냈습니다. 두 기기의 CertBridge를 모두 업데이트해 주세요.
err-timeout = { $seconds }초 동안 아무 일도 없어 전송을 멈췄습니다.
err-timeout-waiting = 상대 기기가 제때 응답하지 않아 전송을 멈췄습니다.
err-receipt-mismatch = 상대 기기가 받은 파일이 보낸 파일과 다릅니다. 상대 기기의 공동인증서를 확인해 주세요.
err-load-failed = 보낼 공동인증서를 읽지 못했습니다. 인증서 폴더가 그대로 있고 읽을 수 있는지 확인해 주세요.
err-save-failed = 공동인증서를 저장하지 못했습니다. 저장 공간과 폴더 권한을 확인해 주세요.
err-internal = CertBridge 내부에서 문제가 생겼습니다. CERTBRIDGE_LOG=debug를 붙여 다시 실행하면 자세한 내용을 볼 수 있습니다.
err-usage = { $what } 사용법은 “certbridge --help”로 확인해 주세요.

## 공동인증서 폴더와 파일

err-not-a-folder = 폴더가 아니거나 없습니다: { $path }
err-no-certificate-here = 공동인증서가 없는 폴더입니다(signCert.der와 signPri.key가 없음): { $path }
err-missing-file = { $file } 파일이 없습니다: { $folder }. 공동인증서 폴더에는 signCert.der와 signPri.key가 있어야 합니다.
err-half-km-pair = kmCert.der와 kmPri.key 중 하나만 있습니다: { $folder }. 둘 다 있거나 둘 다 없어야 합니다.
err-bad-size = 파일이 비어 있거나 너무 커서 인증서 파일일 수 없습니다: { $file }
err-bad-certificate = 파일이 손상되었거나 인증서 파일이 아닙니다: { $file }
err-bad-key = 파일이 손상되었거나 암호화된 공동인증서 개인키 파일이 아닙니다: { $file }
err-unsupported-key = CertBridge가 모르는 방식으로 암호화된 개인키 파일입니다: { $file }
err-key-mismatch = 개인키가 인증서와 맞지 않습니다: { $folder }. 폴더의 파일이 섞였는지 확인해 주세요.
err-read-file = 파일을 읽지 못했습니다: { $path }
err-write-file = 파일을 쓰지 못했습니다: { $path }. 저장 공간과 폴더 권한을 확인해 주세요.
err-wrong-password = 암호가 맞지 않습니다. Caps Lock이 꺼져 있는지, 한/영 키가 영문으로 되어 있는지 확인해 주세요.
err-no-randomness = 이 PC에서 키를 보호할 난수를 만들지 못했습니다. 아무것도 바꾸지 않았습니다.
err-conflict = 이름이 같은 다른 공동인증서가 이미 있습니다: { $folder }. 바꾸려면 --replace를 붙여 주세요(기존 인증서는 백업됩니다).
err-expired-certificate = { $name } 공동인증서는 { $date }에 만료되어 은행에서 사용할 수 없습니다. 갱신하거나, 그래도 옮기려면 --allow-expired를 붙여 주세요.
warn-expired-certificate = { $name } 공동인증서는 { $date }에 만료되었습니다.
warn-expiring-certificate = { $name } 공동인증서는 { $days }일 뒤에 만료됩니다. 곧 갱신해 주세요.
folder-choose-intro = 이 폴더에 공동인증서가 { $count }개 있습니다: { $path }
folder-choose-item = { $n }. { $name } ({ $ca }, { $usage }, { $until }까지)
folder-choose-question = 보낼 공동인증서의 번호를 입력해 주세요(예: 1 또는 1,3, 모두 보내려면 all):
folder-choose-invalid = 목록에 있는 번호를 쉼표로 구분해 입력하거나 all을 입력해 주세요.
err-folder-ambiguous = 이 폴더에는 공동인증서가 여러 개 있습니다: { $path }. 보낼 공동인증서의 폴더를 지정해 주세요: { $folders }

## 암호

password-prompt = 공동인증서 암호를 입력해 주세요:
password-prompt-for = { $name } 공동인증서의 암호를 입력해 주세요:
password-current-prompt = 현재 암호를 입력해 주세요:
password-new-prompt = 새 암호를 입력해 주세요:
password-again-prompt = 새 암호를 한 번 더 입력해 주세요:
password-right = 암호가 맞습니다.
password-changed = 암호를 바꿨습니다.
err-passwords-differ = 두 번 입력한 새 암호가 다릅니다. 아무것도 바꾸지 않았습니다.
err-password-empty = 새 암호가 비어 있습니다. 아무것도 바꾸지 않았습니다.
warn-weak-password = 약한 암호입니다. 은행에서는 보통 영문, 숫자, 특수문자를 섞은 10자 이상의 암호를 요구합니다. 이 암호로 계속 진행합니다.
err-read-password = 터미널에서 암호를 읽지 못했습니다.

## PKCS#12 파일

pfx-password-prompt = PKCS#12 파일의 암호를 입력해 주세요:
pfx-exported = { $name } 공동인증서를 저장했습니다: { $path } ({ $scheme })
pfx-scheme-modern = AES-256, PBKDF2
pfx-scheme-legacy = 3DES, SHA-1, 이전 프로그램용
pfx-same-password = 파일은 공동인증서 암호와 같은 암호로 보호됩니다.
pfx-imported = { $name } 공동인증서를 설치했습니다: { $folder }
pfx-imported-replaced = { $name } 공동인증서를 설치했습니다: { $folder }. 원래 있던 공동인증서는 { $backup }에 보관했습니다.
pfx-already-installed = { $name } 공동인증서가 이미 설치되어 있어 아무것도 바꾸지 않았습니다: { $folder }
pfx-password-is-file-password = 공동인증서 암호는 파일 암호와 같습니다.
warn-pfx-no-random = 키에 R(randomNum)이 없습니다. 서명은 되지만 은행의 본인확인이 실패할 수 있습니다.
note-pfx-km-left-out = 키 관리용 인증서(kmCert.der, kmPri.key)는 PKCS#12 파일에 들어가지 않습니다.
err-pfx-damaged = 파일이 손상되었거나 PKCS#12 파일이 아닙니다: { $path }
err-pfx-too-large = 인증서 파일이라기에는 너무 큰 파일입니다: { $path }
err-pfx-unsupported = CertBridge가 모르는 방식으로 보호된 파일입니다: { $path }
err-pfx-contents = 인증서 하나와 그 RSA 개인키가 들어 있는 파일이 아닙니다: { $path }
err-file-exists = 이미 있는 파일입니다: { $path }. 다른 이름을 고르거나, 덮어쓰려면 --force를 붙여 주세요.

## QR 코드 그림

err-image-unreadable = 그림 파일을 열 수 없습니다: { $path }
err-image-no-qr = 그림에서 QR 코드를 찾지 못했습니다: { $path }
err-image-qr-unreadable = 그림의 QR 코드를 읽지 못했습니다: { $path }. 더 선명한 그림으로 다시 시도해 주세요.

## 목록과 자세히 보기

list-none = 공동인증서를 찾지 못했습니다. 찾아본 곳:
list-root = • { $path }
list-broken = 읽을 수 없는 폴더가 있습니다: { $folder }. { $why }
status-valid = 유효, { $days }일 남음
status-expiring = 곧 만료, { $days }일 남음. 갱신해 주세요
status-expired = 만료됨, { $days }일 지남
field-issuer = 발급자
field-usage = 용도
field-valid = 유효기간
field-status = 상태
field-serial = 일련번호
field-key = 키
field-subject = 주체
field-folder = 폴더
field-kind = 종류
valid-range = { $from } ~ { $to }
key-description = { $algorithm } { $bits }비트
key-with-km = { $algorithm } { $bits }비트, 키 관리용 인증서 포함
kind-npki = 공동인증서 (NPKI)
kind-gpki = 행정전자서명 인증서 (GPKI)
kind-epki = 교육 전자서명 인증서 (EPKI)
field-id = 사용자 ID

## 명령줄 도움말

help-about = 공동인증서를 PC와 휴대폰 사이, 또는 PC와 PC 사이에서 종단간 암호화로 옮깁니다.
help-send = 보내기: 코드를 띄우고, 코드를 스캔한 휴대폰으로 공동인증서를 보냅니다.
help-receive = 가져오기: 코드를 띄우고, 휴대폰이 보내는 공동인증서를 설치합니다.
help-scan = 휴대폰 역할: 다른 PC의 코드를 읽고 공동인증서를 받거나 보냅니다.
help-inspect = 공동인증서 폴더의 내용을 보여 줍니다.
help-list = 이 PC에 있는 공동인증서를 모두 보여 줍니다.
help-check-password = 공동인증서 암호를 확인합니다(맞으면 종료 코드 0, 틀리면 3, 그 밖의 오류는 1).
help-passwd = 공동인증서 암호를 바꿉니다(키와 R은 그대로입니다).
help-export-pfx = 공동인증서를 R을 포함한 PKCS#12 파일(.pfx/.p12)로 저장합니다.
help-import-pfx = PKCS#12 파일(.pfx/.p12)을 공동인증서 폴더로 설치합니다.
help-lang = 메시지 언어: ko 또는 en [기본값: 시스템 설정]
err-usage-clap = 명령을 이해하지 못했습니다.

## Phone app

# 휴대폰 앱(Android, iOS)의 화면. 앱은 문장을 따로 두지 않고 여기서 가져옵니다.
phone-home-title = 내 공동인증서
phone-home-empty = 아직 공동인증서가 없습니다. PC에서 “certbridge send”로 QR 코드를 띄운 뒤 스캔해 주세요.
phone-home-scan = PC의 QR 코드 스캔
phone-purpose-title = 이 앱으로 할 수 있는 일
phone-purpose-body = 휴대폰의 공동인증서는 암호화된 USB 메모리처럼 가지고 다니다가 어느 PC로든 옮길 수 있습니다. 은행 앱은 다른 앱의 저장 공간을 읽을 수 없으므로, 이 앱에 둔 공동인증서를 은행 앱이 바로 쓰지는 못합니다. 은행 앱에서 쓰려면 PC로 옮긴 뒤 그 은행의 인증서 복사 기능을 이용하거나, CertBridge SDK를 넣은 앱을 이용해 주세요.
phone-cert-usage-ca = { $usage } · { $ca }
phone-cert-announce = { $name }, { $usage }, { $ca }, { $status }
phone-cert-stale = 이 휴대폰에서 열 수 없는 사본입니다(다른 휴대폰에서 옮겨 오거나 복원됨). 지운 뒤 PC에서 다시 받아 주세요.
phone-details-title = 공동인증서 정보
phone-send-button = PC로 보내기
phone-password-button = 암호 확인
phone-password-wrong = 암호가 맞지 않습니다. 대문자와 소문자를 구분해 다시 입력해 주세요.
phone-delete-button = 이 휴대폰에서 지우기
phone-delete-question = { $name } 공동인증서를 이 휴대폰에서 지울까요? PC에 있는 사본은 그대로 남습니다.
phone-delete-confirm = 지우기
phone-scan-title = QR 코드 스캔
phone-scan-hint = PC 화면의 QR 코드를 카메라로 비춰 주세요.
phone-camera-label = QR 코드를 스캔하는 카메라 화면
phone-camera-denied = QR 코드를 스캔하려면 카메라 권한이 필요합니다. 설정에서 카메라를 허용해 주세요.
phone-camera-settings = 설정 열기
phone-mismatch-title = PC에서 휴대폰으로 보내는 코드입니다
phone-mismatch-body = 이 QR 코드로는 PC의 공동인증서를 이 휴대폰으로 받을 수 있습니다. 휴대폰의 공동인증서를 PC로 보내려면 PC에서 “certbridge receive”로 새 코드를 띄워 주세요.
phone-mismatch-receive = PC에서 받기
phone-choose-title = PC로 보낼 공동인증서를 골라 주세요
phone-choose-send = 공동인증서 { $count }개 보내기
phone-connecting-title = PC에 연결하는 중입니다
phone-consent-title = 공동인증서를 이 PC로 보낼까요?
phone-consent-to = PC 이름: “{ $peer }”
phone-path-lan = 같은 Wi-Fi에 연결된 PC입니다.
phone-path-relay = 다른 네트워크에 있는 PC입니다. 중계 서버를 거치지만 내용은 종단간 암호화됩니다.
phone-consent-warning = 지금 눈앞에 있는 본인의 PC일 때만 보내 주세요. 다른 사람이 보내 준 QR 코드라면 보내지 마세요.
phone-consent-items = 보낼 공동인증서 { $count }개:
phone-consent-send = 보내기
phone-consent-decline = 보내지 않기
phone-number-title = PC에 이 인증번호를 입력해 주세요
phone-number-spoken = 인증번호 { $digits }
phone-read-aloud = 인증번호 읽어 주기
phone-connected-to = “{ $peer }” PC에 연결되었습니다.
phone-keep-open = 전송이 끝날 때까지 이 화면을 열어 두어 주세요.
phone-moving-sending = 공동인증서 { $count }개를 보내는 중입니다…
phone-moving-receiving = 공동인증서 { $count }개를 받아 저장하는 중입니다…
phone-done-received = 공동인증서 { $count }개를 받았습니다
phone-done-sent = 공동인증서 { $count }개를 PC로 보냈습니다
phone-done-already-there = 공동인증서 { $count }개가 이미 이 휴대폰에 있습니다
phone-done-sent-already-there = 공동인증서 { $count }개가 이미 PC에 있습니다
phone-done-some-refused = 공동인증서 일부를 저장하지 못했습니다
phone-done-none = 공동인증서 { $count }개를 저장하지 못했습니다
phone-item-installed = ✔ 저장했습니다: { $name }
phone-item-replaced = ✔ 저장했습니다: { $name }. 이 휴대폰에서 열 수 없던 이전 사본을 바꿨습니다.
phone-item-duplicate = ✔ 이미 있어 그대로 두었습니다: { $name }
phone-item-rejected = ✘ 저장하지 못했습니다: { $name }. { $reason }
phone-item-rejected-words = ✘ 저장하지 못했습니다: { $name }. 메시지: “{ $words }”
phone-item-sent-rejected = ✘ “{ $peer }” PC에 설치되지 않았습니다: { $name }. { $reason }
phone-item-sent-rejected-words = ✘ “{ $peer }” PC에 설치되지 않았습니다: { $name }. PC의 메시지: “{ $words }”
phone-item-moved = ✔ “{ $peer }” PC로 옮겼습니다(이 휴대폰에서는 지웠습니다): { $name }
phone-item-not-removed = “{ $peer }” PC로 보냈지만 이 휴대폰에서 지우지 못했습니다: { $name }. 직접 지워 주세요.
phone-move-option = 보낸 뒤 이 휴대폰에서 지우기(옮기기)
phone-code-enter = 코드 직접 입력
phone-code-title = PC에 표시된 코드를 입력해 주세요
phone-code-hint = QR 코드 옆에 있는 9~12자리 숫자입니다. 예: 123-456-789
phone-code-label = 입력한 코드
phone-code-spoken = 입력한 코드: { $spoken }
phone-code-empty = 아직 입력한 숫자가 없습니다
phone-code-delete = 한 자리 지우기
phone-code-connect = 연결
phone-code-use-camera = QR 코드 스캔으로 돌아가기
phone-reject-conflict = 이 휴대폰에 일련번호가 같은 다른 공동인증서가 있습니다. 기존 공동인증서를 먼저 지운 뒤 다시 받아 주세요.
phone-reject-unsupported = 이 버전의 앱에서는 저장할 수 없는 종류의 인증서입니다. 앱을 업데이트해 주세요.
phone-title-failed = 전송하지 못했습니다
phone-title-cancelled = 전송을 취소했습니다
phone-title-declined = 보내지 않았습니다
phone-title-expired = 코드의 유효 시간이 지났습니다
phone-title-invalid-code = 코드를 읽지 못했습니다
phone-title-code-mismatch = 인증번호가 맞지 않았습니다
phone-title-no-connection = PC와 연결되지 않았습니다
phone-title-wrong-code = 코드가 맞지 않았습니다
phone-err-save-failed = 공동인증서를 저장하지 못했습니다. 휴대폰의 저장 공간이 충분한지 확인해 주세요.
phone-err-load-failed = 보낼 공동인증서를 읽지 못했습니다. 목록에서 다시 골라 주세요.
phone-err-internal = 앱 내부에서 문제가 생겼습니다. 앱을 다시 시작한 뒤 처음부터 다시 해 주세요.
phone-err-invite-damaged = CertBridge QR 코드를 읽지 못했습니다. PC 화면의 QR 코드를 다시 스캔해 주세요.
phone-err-invite-not-certbridge = CertBridge QR 코드가 아닙니다. PC에서 “certbridge send” 또는 “certbridge receive”로 띄운 QR 코드를 스캔해 주세요.
phone-err-peer-stopped = PC에서 전송을 멈췄습니다.
phone-close = 닫기
phone-cancel = 취소
phone-scan-again = 다시 스캔
phone-settings-title = 설정
phone-device-name-label = PC에 보일 이 휴대폰의 이름
phone-default-device-name = 내 휴대폰
