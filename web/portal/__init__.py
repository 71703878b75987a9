"""The school portal (โรงเรียน): pages a school uses."""
