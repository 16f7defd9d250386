# CertBridge — English messages.
#
# Every id here exists in ../ko/certbridge.ftl with the same variables
# (a test checks it). Variables are filled in by the program; texts from the
# other device are sanitised before they become variables.

## Dates, times, paths

date-time = { $month ->
        [1] January
        [2] February
        [3] March
        [4] April
        [5] May
        [6] June
        [7] July
        [8] August
        [9] September
        [10] October
        [11] November
       *[12] December
    } { $day }, { $year }, { $hour }:{ $minute } { $ampm ->
        [pm] PM
       *[am] AM
    }
date = { $month ->
        [1] January
        [2] February
        [3] March
        [4] April
        [5] May
        [6] June
        [7] July
        [8] August
        [9] September
        [10] October
        [11] November
       *[12] December
    } { $day }, { $year }
time-unknown = an unknown time
path-lan = on the same network, { $address }
path-relay = through the relay { $url }, end-to-end encrypted
device-phone = phone
device-computer = other computer

## Showing the code (desktop)

invite-direction-send = Copying certificates from this computer to a phone.
invite-direction-receive = Copying certificates from a phone to this computer.
invite-scan = Scan this QR code with the CertBridge app on your phone.
invite-text-intro = On another computer, paste this code into “certbridge scan”:
invite-scan-or-type = Scan this QR code with the CertBridge app, or type the code below.
invite-code-until = Code { $code } · valid until { $until }.
invite-code-renewed = A try with the old code failed, so here is a new code: { $code }
code-spoken = Code: { $spoken }
invite-valid-until = The code is valid until { $until }.
invite-renewed = The code expired, so here is a new one.
waiting-for-phone = Waiting for the phone…
qr-written = The QR code was also saved to { $path }.

## Connecting

connecting = Connecting to the computer…
connected = Connected to “{ $peer }” ({ $path }).

## The verification number

number-show = Verification number: { $number }
number-type-it = Type this number on the computer that shows the code.
number-never-share = Nobody, not even bank staff, will ever ask you for this number. Keep it secret.
enter-number = Enter the 6-digit verification number shown on the { $device ->
        [phone] phone
       *[computer] other computer
    }:
number-wrong = That is not the number shown. { $left ->
        [one] 1 try left.
       *[other] { $left } tries left.
    }
number-malformed = Type the 6 digits of the verification number.

## Consent (the side that sends, when the desktop receives)

consent-intro = “{ $peer }” ({ $path }) asks for { $count ->
        [one] this certificate
       *[other] these { $count } certificates
    }:
consent-item = • { $name }
consent-question = Send only if “{ $peer }” is your own computer. Send? [y/N]
cancel-hint = Press Ctrl-C to cancel.

## Moving

sending = Sending { $count ->
        [one] 1 certificate
       *[other] { $count } certificates
    } ({ $bytes } bytes)…
received-installing = Received { $count ->
        [one] 1 certificate
       *[other] { $count } certificates
    }; installing…
waiting-for-receipt = Waiting for the other device to save { $count ->
        [one] it
       *[other] them
    }…
waiting-for-bundle = Number confirmed. Waiting for the certificates…

## Results

result-sent-installed = ✔ Installed on “{ $peer }”: { $name }
result-sent-duplicate = ✔ Already on “{ $peer }”, left as it was: { $name }
result-sent-rejected = ✘ Not installed on “{ $peer }”: { $name }. { $reason }
result-installed = ✔ Installed: { $name }, in { $folder }
result-replaced = ✔ Installed: { $name }, in { $folder }. The certificate that was there is kept in { $backup }.
result-duplicate = ✔ Already installed, left as it was: { $name }, in { $folder }
result-rejected = ✘ Not installed: { $name }. { $reason }
done = Done.
some-rejected = { $rejected } of { $total ->
        [one] 1 certificate
       *[other] { $total } certificates
    } could not be installed.

## Moving (--move): this PC's copy is deleted once the other side confirms

move-notice = Moving: each certificate is deleted here once the other device confirms it.
result-removed-here = ✔ Deleted from this PC: { $name }
result-not-removed = Could not delete from this PC: { $name }. Please delete it yourself.
err-not-removed = { $count ->
        [one] Everything arrived, but one certificate could not be deleted from this PC. Please delete it yourself.
       *[other] Everything arrived, but { $count } certificates could not be deleted from this PC. Please delete them yourself.
    }

## Why a receiver refused a certificate (shown to the sender)

reject-conflict-remote = The other device already has a different certificate under the same name. To replace it, receive again there with --replace (the old one is kept as a backup), or remove it there first.
reject-conflict-local = { $folder } already holds a different certificate of the same name. To replace it, receive again with --replace (the old one is kept as a backup).
reject-invalid = The files are not a valid certificate.
reject-unsupported = The other device cannot install this kind of certificate; update CertBridge there.
reject-other = The other device said: “{ $reason }”

## Why a transfer failed

err-invite-expired = This code has expired. Show a new code on the computer and scan that.
err-invite-damaged = This code was copied wrong. Copy the whole code again, or scan the QR code.
err-invite-not-certbridge = This is not a CertBridge code. CertBridge codes start with CERTBRIDGE:/.
err-invite-version = This code was made by a different version of CertBridge. Update CertBridge on both devices.
err-invite-old-format = This code was made by an older version of CertBridge. Update CertBridge on the computer that shows it, then make a new code.
err-no-one-came = The code expired before a device connected. Start again for a new code.
err-nothing-to-send = There is no certificate to send.
err-no-address = This computer is not connected to a network. Connect to Wi-Fi or a wired network, or use a relay with --relay.
err-listen = This computer cannot accept connections on { $address }. Choose another address with --listen.
err-no-path = There is no way to connect: with --no-lan, give a relay with --relay.
err-relay-unreachable = The relay { $url } cannot be reached. Check its address and this computer’s internet connection.
err-relay-busy = The relay { $url } is busy or has had too many requests from this network. Wait a minute and try again.
err-relay-insecure = The relay { $url } has no encryption of its own (ws://) and is not on this computer or a private network. Use a wss:// address, or add --allow-insecure-relay.
err-too-many-items = { $count } certificates are more than one transfer carries ({ $max }). Send them in several transfers.
err-unreachable = The computer cannot be reached. Check that both devices are on the same Wi-Fi.
err-wrong-code = The code does not match. The computer now shows a new code: type that one.
err-no-desktop-for-code = No computer showing this code was found. Check the code. If the two devices are not on the same Wi-Fi, check that both use the same relay server.
err-code-malformed = A code is 9 to 12 digits, like 123-456-789.
err-refused = The computer refused the connection: its code was already used by another device. Show a new code there and scan it.
err-handshake = A secure connection could not be set up. Scan the code again.
err-code-mismatch = The verification number was typed wrong 3 times, so the transfer was stopped. Nothing was sent. Start again.
err-peer-cancelled = The transfer was cancelled on the other device.
err-peer-code-mismatch = The verification number was typed wrong 3 times on the other computer, so the transfer was stopped. Nothing was sent.
err-peer-declined = The other device chose not to send.
err-peer-timeout = The other device stopped waiting, so the transfer was stopped.
err-peer-save-failed = The other device could not save the certificates.
err-peer-protocol = The other device reported an error in the transfer. Update CertBridge on both devices.
err-peer-other = The other device stopped the transfer: “{ $reason }”
err-declined = You chose not to send. Nothing was sent.
err-cancelled = The transfer was cancelled.
err-disconnected = The connection to the other device was lost. Nothing was installed from this transfer.
err-disconnected-after-sending = The connection to the other device was lost after the certificates were sent. Check on the other device whether they were installed.
err-tampered = The connection was tampered with, so the transfer was stopped. Nothing was installed.
err-protocol = The other device sent something this version does not understand. Update CertBridge on both devices.
err-timeout = Nothing happened for { $seconds } seconds, so the transfer was stopped.
err-timeout-waiting = The other device did not answer in time, so the transfer was stopped.
err-receipt-mismatch = The other device received something different from what was sent. Check the certificate there.
err-load-failed = The certificates to send could not be read. Check that their folders are still there and readable.
err-save-failed = The certificates could not be saved. Check the free space and the folder’s permissions.
err-internal = Something went wrong inside CertBridge. Run again with CERTBRIDGE_LOG=debug to see the details.
err-usage = { $what } Run “certbridge --help” to see how it is used.

## Certificate folders and files

err-not-a-folder = { $path } is not a folder.
err-no-certificate-here = { $path } holds no certificate (no signCert.der and signPri.key).
err-missing-file = { $file } is missing from { $folder }. A certificate folder needs signCert.der and signPri.key.
err-half-km-pair = { $folder } has only one of kmCert.der and kmPri.key; both or neither are needed.
err-bad-size = { $file } is empty or too large to be a certificate file.
err-bad-certificate = { $file } is damaged or is not a certificate.
err-bad-key = { $file } is damaged or is not an encrypted NPKI private key.
err-unsupported-key = { $file } is protected by a scheme CertBridge does not know.
err-key-mismatch = The private key in { $folder } does not belong to its certificate. The folder’s files may be mixed up.
err-read-file = { $path } could not be read.
err-write-file = { $path } could not be written. Check the free space and the folder’s permissions.
err-wrong-password = The password is wrong. Check that Caps Lock is off and the keyboard is not in Korean mode (한/영).
err-no-randomness = This computer could not produce random numbers to protect the key. Nothing was changed.
err-conflict = { $folder } already holds a different certificate of the same name. To replace it, add --replace (the old one is kept as a backup).
err-expired-certificate = The certificate of { $name } expired on { $date }; banks will not accept it. Renew it, or add --allow-expired to move it anyway.
warn-expired-certificate = The certificate of { $name } expired on { $date }.
warn-expiring-certificate = The certificate of { $name } expires in { $days ->
        [one] 1 day
       *[other] { $days } days
    }. Renew it soon.
folder-choose-intro = { $path } holds { $count ->
        [one] 1 certificate
       *[other] { $count } certificates
    }:
folder-choose-item = { $n }. { $name } ({ $ca }, { $usage }, until { $until })
folder-choose-question = Which to send? Type their numbers (e.g. 1 or 1,3), or “all”:
folder-choose-invalid = Type numbers from the list, separated by commas, or “all”.
err-folder-ambiguous = { $path } holds several certificates; name the one to send: { $folders }

## Passwords

password-prompt = Certificate password:
password-prompt-for = Password of { $name }’s certificate:
password-current-prompt = Current password:
password-new-prompt = New password:
password-again-prompt = New password again:
password-right = The password is right.
password-changed = The password was changed.
err-passwords-differ = The two new passwords differ. Nothing was changed.
err-password-empty = The new password is empty. Nothing was changed.
warn-weak-password = This password is weak: banks ask for at least 10 characters mixing letters, digits and symbols. Going ahead with it.
err-read-password = The password could not be read from the terminal.

## PKCS#12 files

pfx-password-prompt = Password of the PKCS#12 file:
pfx-exported = Saved { $name }’s certificate to { $path } ({ $scheme }).
pfx-scheme-modern = AES-256 and PBKDF2
pfx-scheme-legacy = 3DES and SHA-1, for older software
pfx-same-password = The file is protected by the certificate’s password.
pfx-imported = Installed { $name }’s certificate in { $folder }.
pfx-imported-replaced = Installed { $name }’s certificate in { $folder }. The certificate that was there is kept in { $backup }.
pfx-already-installed = { $name }’s certificate is already installed in { $folder }; nothing was changed.
pfx-password-is-file-password = Its password is the file’s password.
warn-pfx-no-random = The key carries no R (randomNum): it can sign, but banks’ identity checks (본인확인) may fail with it.
note-pfx-km-left-out = The key-management pair (kmCert.der, kmPri.key) is not part of a PKCS#12 file.
err-pfx-damaged = { $path } is damaged or is not a PKCS#12 file.
err-pfx-too-large = { $path } is far too large to be a certificate file.
err-pfx-unsupported = { $path } is protected by a scheme CertBridge does not know.
err-pfx-contents = { $path } does not hold exactly one certificate with its RSA private key.
err-file-exists = { $path } already exists. Choose another name, or add --force to overwrite it.

## Pictures of QR codes

err-image-unreadable = The picture { $path } could not be opened.
err-image-no-qr = No QR code was found in { $path }.
err-image-qr-unreadable = The QR code in { $path } could not be read. Try a sharper picture.

## Listing and inspecting

list-none = No certificates were found. Searched:
list-root = • { $path }
list-broken = A folder could not be read: { $folder }. { $why }
status-valid = valid, { $days ->
        [one] 1 day left
       *[other] { $days } days left
    }
status-expiring = expiring: { $days ->
        [one] 1 day left
       *[other] { $days } days left
    }; renew soon
status-expired = expired { $days ->
        [one] 1 day ago
       *[other] { $days } days ago
    }
field-issuer = Issuer
field-usage = Usage
field-valid = Valid
field-status = Status
field-serial = Serial
field-key = Key
field-subject = Subject
field-folder = Folder
field-kind = Kind
valid-range = { $from } to { $to }
key-description = { $algorithm } { $bits } bits
key-with-km = { $algorithm } { $bits } bits, with the key-management pair
kind-npki = NPKI certificate (공동인증서)
kind-gpki = Government certificate (행정전자서명, GPKI)
kind-epki = Education certificate (교육 전자서명, EPKI)
field-id = Holder id

## The command line's help

help-about = Move Korean certificates (공동인증서) between a PC and a phone, or between two PCs, end-to-end encrypted.
help-send = Export: show a code and send certificates to the phone that scans it.
help-receive = Import: show a code and install the certificates the phone sends.
help-scan = Play the phone’s part: scan another computer’s code, then receive or send.
help-inspect = Show what a certificate folder holds.
help-list = List the certificates on this computer.
help-check-password = Check a certificate’s password (exit 0 right, 3 wrong, 1 other error).
help-passwd = Change a certificate’s password (the key and its R stay the same).
help-export-pfx = Save a certificate as a PKCS#12 file (.pfx/.p12), with its R.
help-import-pfx = Install a PKCS#12 file (.pfx/.p12) as a certificate folder.
help-lang = Language of the messages: ko or en [default: the system’s]
err-usage-clap = The command could not be understood.

## Window
# The desktop window (certbridge gui). Its texts never name command-line
# flags (--relay, …); they point at the window's settings and buttons.

help-gui = Open the window (what the desktop launcher opens).
gui-title = CertBridge — move your certificates
gui-err-no-window = The window could not be opened. Start CertBridge where there is a screen, or see “certbridge --help” for the command line.
gui-nav-certs = My certificates
gui-nav-export = Send to phone
gui-nav-import = Get from phone
gui-nav-pc = PC to PC
gui-nav-settings = Settings
gui-nav-about = About
gui-nav-transfer-running = A transfer is in progress.
gui-busy = Another transfer is in progress. Certificates move one transfer at a time.
gui-busy-show = Show the transfer in progress
gui-back = Back to the start
gui-cancel = Cancel the transfer
gui-retry = Try again
gui-again = Back to the start
gui-save = Save
gui-refresh = Refresh the list

gui-certs-title = My certificates
gui-certs-pick = Choose a certificate to see its details and what you can do with it.
gui-cert-line = { $name } · { $ca } · { $usage } · until { $until }
gui-no-certs = No certificate was found on this computer. Get one from your phone or import a PFX file.
gui-action-check = Check the password
gui-action-change = Change the password
gui-action-export-pfx = Save as a PFX file
gui-action-send = Send to phone
gui-action-delete = Delete
gui-action-import-pfx = Import a PFX file
gui-check = Check
gui-change = Change the password
gui-pfx-path = File to save
gui-pfx-legacy = Save in the format older programs need (3DES, SHA-1)
gui-delete-question = The certificate of { $name } will be moved to the trash. You can restore it from there.
gui-delete-confirm = Move to the trash
gui-deleted = The certificate of { $name } was moved to the trash.
gui-err-delete = Could not move it to the trash: { $folder }. Check the folder's permissions.
gui-import-pfx-title = Import a PFX file
gui-import-pfx-path = Where the PFX file (.pfx, .p12) is — you can also drop the file on the window
gui-pfx-replace = If a different certificate of the same name is installed, back it up and replace it
gui-import-pfx-go = Import

gui-export-title = Send to phone
gui-export-intro = Choose the certificates to send, then make a QR code. When the CertBridge app on your phone scans it, the phone shows a verification number.
gui-export-pick-first = Choose at least one certificate to send.
gui-expired-hint = Expired certificates cannot be used at banks. To move one anyway, tick the box below.
gui-allow-expired = Also send expired certificates
gui-move = Remove from this PC after sending
gui-make-code = Make a QR code

gui-import-title = Get from phone
gui-import-intro = Make a QR code and scan it with the CertBridge app on your phone. Once you choose the certificates on the phone and agree to send them to this computer, the phone shows a verification number.
gui-install-to = Installed into: { $path }
gui-err-no-install-root = There is no folder to install certificates into. Choose one in the settings.

gui-pc-title = PC to PC
gui-pc-intro = Type or paste the code shown in the CertBridge window of the other computer (digits like 123-456-789, or the code as text), or open a picture of its QR code. This computer then plays the phone's part.
gui-pc-code-label = The other computer's code (digits like 123-456-789, or text starting with CERTBRIDGE:/)
gui-pc-image-label = Where the picture of the QR code (PNG, JPEG) is — you can also drop the file on the window
gui-pc-open-image = Open the picture
gui-pc-connect = Connect
gui-pc-pick = The other computer wants to receive certificates. Choose the ones to send.
gui-pc-pick-code = If the other computer receives, choose the certificates to send. If it sends, connect without choosing any.
gui-pc-send = Send the chosen certificates

gui-starting = Making the code…
gui-qr-label = QR code to scan with your phone
gui-code-left = The code is valid for { $minutes } min { $seconds } s more
gui-code-typed = Code to type
gui-new-code = Make a new code (F5)
gui-qr-larger = Larger QR code
gui-qr-smaller = Smaller QR code
gui-code-expired = This code has expired. Make a new code and scan it to start again.
gui-code-text-title = For another computer: the code as text
gui-code-text-intro = On the other computer, open “PC to PC” in the CertBridge window and paste this code.
gui-code-text-label = The code as text
gui-copy-code = Copy the code
gui-number-title = Enter the verification number
gui-show-number-title = Verification number
gui-consent-title = Agree to send
gui-number-after-consent = Once you agree to send on your phone, it shows a 6-digit verification number.
gui-number-ok = OK
gui-attempts-left = { $left ->
        [one] You can enter the number once more.
       *[other] You can enter the number { $left } more times.
    }
gui-wait-left = Waiting for the number for { $minutes } min { $seconds } s more
gui-wait-more = More time
gui-wait-over = The time to enter the number ran out, so the transfer was stopped. Nothing was moved. Please try again.
gui-consent-question = Send only if “{ $peer }” is your own computer. Send now?
gui-consent-yes = Send
gui-consent-no = Don't send
gui-number-type-it = Enter this number on the computer that shows the code.
gui-working = Waiting for the other device…
gui-waiting-for-phone = The number is right. Waiting for the phone to send the certificates…
gui-working-note = If the other device does not answer within 30 seconds, the transfer stops and you will be told.
gui-done-title = Done
gui-done-path = Connection: { $path }
gui-check-now = Check the password of { $name }'s certificate
gui-replace-offer = Some certificates were not installed because a different certificate of the same name is already here. To back that one up and replace it, receive them again.
gui-replace-retry = Back up and receive again
gui-failed-title = The transfer did not complete

gui-close-title = A transfer is in progress
gui-close-question = Closing the window cancels the transfer and tells the other device. Close the window?
gui-close-keep = Keep going
gui-close-confirm = Cancel the transfer and close

gui-settings-title = Settings
gui-settings-language = Language
gui-settings-language-system = As the system
gui-settings-relay = Relay address (for devices on other networks, starts with wss://)
gui-settings-relay-help = Leave it empty to connect only with devices on the same network (Wi-Fi). A relay only ever sees encrypted data.
gui-settings-relay-bad = This cannot be used as a relay address: “{ $url }”. Enter an address that starts with wss://.
gui-settings-install-root = Folder to install certificates into
gui-settings-install-root-help = Leave it empty to install into this computer's usual NPKI folder: { $path }
gui-settings-code-time = How long a QR code is valid
gui-settings-wait = How long to wait for the verification number
gui-settings-wait-help = Press “More time” before the time is up to wait longer.
gui-minutes = { $minutes } min
gui-settings-saved = Settings saved.

gui-about-title = About
gui-about-version = Version { $version }
gui-about-protocol = Protocol version { $version }
gui-about-safety = Certificates move end-to-end encrypted; a relay in between cannot read them. Nothing moves until you enter, on this computer, the number your phone shows.
gui-about-license = CertBridge is distributed under the MIT or Apache-2.0 licence.
gui-about-font-system = Korean font: { $path }
gui-about-font-bundled = Korean font: CertBridge Hangul (shipped with CertBridge)
gui-about-font-license = The CertBridge Hangul font is a subset of NanumGothic (NAVER), under the SIL Open Font License 1.1.
gui-about-settings-file = Settings file: { $path }

gui-err-no-address = This computer is not connected to a network. Connect to Wi-Fi or a wired network, or set a relay in the settings.
gui-err-listen = This computer cannot accept connections on { $address }. Check the network connection or set a relay in the settings.
gui-err-no-path = There is no way to connect. Connect to a network or set a relay in the settings.
gui-err-relay-insecure = The relay { $url } has no encryption of its own (ws://) and is not on this computer or a private network. Set a wss:// address in the settings.
gui-err-conflict = A different certificate of the same name is already installed: { $folder }. To replace it, choose “back up and replace” and try again.
gui-reject-conflict-local = A different certificate of the same name is already installed: { $folder }
gui-err-internal = Something went wrong inside CertBridge. Close the window and open it again.
gui-err-file-exists = That file already exists: { $path }. Enter another name.

## Phone app

# The phone apps' screens (Android, iOS). The apps keep no sentences of
# their own; they take them from here.
phone-home-title = My certificates
phone-home-empty = No certificates yet. Show a QR code on your PC with “certbridge send”, then scan it.
phone-home-scan = Scan the PC's QR code
phone-purpose-title = What this app is for
phone-purpose-body = A certificate on your phone is like an encrypted USB stick: carry it and move it to any PC. Bank apps cannot read another app's storage, so they cannot use a certificate kept here directly. To use it in a bank app, move it to a PC and use that bank's certificate copy, or use an app that embeds the CertBridge SDK.
phone-cert-usage-ca = { $usage } · { $ca }
phone-cert-announce = { $name }, { $usage }, { $ca }, { $status }
phone-cert-stale = This copy cannot be opened on this phone (it was moved or restored from another phone). Delete it and receive it again from your PC.
phone-details-title = Certificate details
phone-send-button = Send to PC
phone-password-button = Check the password
phone-password-wrong = That is not the password. Check upper and lower case and try again.
phone-delete-button = Delete from this phone
phone-delete-question = Delete the certificate of { $name } from this phone? The copy on your PC stays.
phone-delete-confirm = Delete
phone-scan-title = Scan the QR code
phone-scan-hint = Point the camera at the QR code on your PC's screen.
phone-camera-label = Camera view for scanning the QR code
phone-camera-denied = Scanning the QR code needs the camera. Allow the camera in Settings.
phone-camera-settings = Open Settings
phone-mismatch-title = This code sends from the PC to the phone
phone-mismatch-body = With this QR code you can receive the PC's certificates on this phone. To send this phone's certificates to the PC, show a new code on the PC with “certbridge receive”.
phone-mismatch-receive = Receive from the PC
phone-choose-title = Choose the certificates to send to your PC
phone-choose-send = { $count ->
        [one] Send one certificate
       *[other] Send { $count } certificates
    }
phone-connecting-title = Connecting to your PC
phone-consent-title = Send certificates to this PC?
phone-consent-to = PC name: “{ $peer }”
phone-path-lan = The PC is on the same Wi-Fi.
phone-path-relay = The PC is on another network. The transfer goes through a relay, end-to-end encrypted.
phone-consent-warning = Send only if this is your own PC, in front of you now. If someone sent you this QR code, do not send.
phone-consent-items = { $count ->
        [one] The certificate to send:
       *[other] The { $count } certificates to send:
    }
phone-consent-send = Send
phone-consent-decline = Don't send
phone-number-title = Type this verification number on your PC
phone-number-spoken = Verification number { $digits }
phone-read-aloud = Read the number aloud
phone-connected-to = Connected to the PC “{ $peer }”.
phone-keep-open = Keep this screen open until the transfer is done.
phone-moving-sending = { $count ->
        [one] Sending one certificate…
       *[other] Sending { $count } certificates…
    }
phone-moving-receiving = { $count ->
        [one] Receiving and saving one certificate…
       *[other] Receiving and saving { $count } certificates…
    }
phone-done-received = { $count ->
        [one] Certificate received
       *[other] { $count } certificates received
    }
phone-done-sent = { $count ->
        [one] Certificate sent to your PC
       *[other] { $count } certificates sent to your PC
    }
phone-done-already-there = { $count ->
        [one] This certificate is already on this phone
       *[other] These certificates are already on this phone
    }
phone-done-sent-already-there = { $count ->
        [one] This certificate is already on the PC
       *[other] These certificates are already on the PC
    }
phone-done-some-refused = Some certificates were not saved
phone-done-none = { $count ->
        [one] The certificate was not saved
       *[other] The certificates were not saved
    }
phone-item-installed = ✔ Saved: { $name }
phone-item-replaced = ✔ Saved: { $name }. It replaced an old copy this phone could no longer open.
phone-item-duplicate = ✔ Already here, left as it was: { $name }
phone-item-rejected = ✘ Not saved: { $name }. { $reason }
phone-item-rejected-words = ✘ Not saved: { $name }. The message: “{ $words }”
phone-item-sent-rejected = ✘ Not installed on the PC “{ $peer }”: { $name }. { $reason }
phone-item-sent-rejected-words = ✘ Not installed on the PC “{ $peer }”: { $name }. The PC says: “{ $words }”
phone-item-moved = ✔ Moved to the PC “{ $peer }” (deleted from this phone): { $name }
phone-item-not-removed = Sent to the PC “{ $peer }”, but not deleted from this phone: { $name }. Please delete it yourself.
phone-move-option = Delete from this phone after sending (move)
phone-code-enter = Enter the code
phone-code-title = Enter the code shown on the PC
phone-code-hint = The 9 to 12 digits beside the QR code, like 123-456-789.
phone-code-label = Code typed
phone-code-spoken = Code typed: { $spoken }
phone-code-empty = No digits typed yet
phone-code-delete = Delete one digit
phone-code-connect = Connect
phone-code-use-camera = Back to scanning the QR code
phone-reject-conflict = This phone has another certificate with the same serial number. Delete that one first, then receive this one again.
phone-reject-unsupported = This version of the app cannot store this kind of certificate. Update the app.
phone-title-failed = The transfer did not work
phone-title-cancelled = Transfer cancelled
phone-title-declined = Not sent
phone-title-expired = The code has expired
phone-title-invalid-code = The code could not be read
phone-title-code-mismatch = The number did not match
phone-title-no-connection = No connection to the PC
phone-title-wrong-code = The code did not match
phone-err-save-failed = The certificates could not be saved. Check that the phone has enough free storage.
phone-err-load-failed = The certificates to send could not be read. Choose them again from the list.
phone-err-internal = Something went wrong inside the app. Restart the app and start again.
phone-err-invite-damaged = The CertBridge QR code could not be read. Scan the QR code on your PC's screen again.
phone-err-invite-not-certbridge = This is not a CertBridge QR code. Scan the code that “certbridge send” or “certbridge receive” shows on your PC.
phone-err-peer-stopped = The PC stopped the transfer.
phone-close = Close
phone-cancel = Cancel
phone-scan-again = Scan again
phone-settings-title = Settings
phone-device-name-label = This phone's name, as your PC shows it
phone-default-device-name = My phone
